"""Writes small PNG files of every kind the PNG reader must take (Tests/Fixtures/png/), with PIL,
and the 8-bit pixels each should decode to (expected.json).

    ~/.venvs/cnn-tui-ref/bin/python Scripts/make-png-fixtures.py
"""
import json
import os

import numpy as np
from PIL import Image

OUT = os.path.join("Tests", "Fixtures", "png")
os.makedirs(OUT, exist_ok=True)
rgb = np.arange(4 * 3 * 3, dtype=np.uint8).reshape(3, 4, 3) * 7
gray = rgb[:, :, 0]
expected = {}

Image.fromarray(gray, "L").save(os.path.join(OUT, "gray8.png"))
expected["gray8.png"] = {"channels": 1, "pixels": gray.flatten().tolist()}

Image.fromarray(rgb, "RGB").save(os.path.join(OUT, "rgb8.png"))
expected["rgb8.png"] = {"channels": 3, "pixels": rgb.flatten().tolist()}

rgba = np.dstack([rgb, np.full((3, 4), 128, np.uint8)])
Image.fromarray(rgba, "RGBA").save(os.path.join(OUT, "rgba8.png"))
expected["rgba8.png"] = {"channels": 3, "pixels": rgb.flatten().tolist()}

palette = Image.fromarray(rgb, "RGB").quantize(colors=12, method=Image.Quantize.MEDIANCUT)
palette.save(os.path.join(OUT, "palette.png"))
expected["palette.png"] = {"channels": 3, "pixels": np.asarray(palette.convert("RGB")).flatten().tolist()}

gray16 = (gray.astype(np.uint16) * 257)  # 8-bit values spread over 16 bits
Image.fromarray(gray16).save(os.path.join(OUT, "gray16.png"))
expected["gray16.png"] = {"channels": 1, "pixels": gray.flatten().tolist()}

json.dump({"width": 4, "height": 3, "files": expected}, open(os.path.join(OUT, "expected.json"), "w"), indent=1)
print("wrote", sorted(expected))
