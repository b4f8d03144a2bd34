#!/usr/bin/env python3
"""Pastes screens written by a failing golden test into the test files.

After a deliberate change to a screen:
    CNN_TUI_GOLDEN_OUT=/tmp/golden swift test --filter GoldenTests
    Scripts/update-golden-screens.py /tmp/golden
then read the diff (git diff Tests/) before committing: it is the change a user will see.
"""
import pathlib
import re
import sys

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/golden")
tests = list(pathlib.Path(__file__).resolve().parent.parent.glob("Tests/**/*.swift"))
for written in sorted(folder.glob("*.swift")):
    name = written.stem
    pattern = re.compile(r"(    static let " + re.escape(name) + r": \[String\] = \[\n)(.*?)(\n    \])", re.S)
    for test in tests:
        text = test.read_text()
        if pattern.search(text):
            body = written.read_text().rstrip("\n")
            test.write_text(pattern.sub(lambda m: m.group(1) + body + m.group(3), text, count=1))
            print(f"{name}: {test}")
            break
    else:
        print(f"{name}: no golden of that name", file=sys.stderr)
