"""What the Python benchmarks share: where the release binary is, the reference models of
Scripts/make-reference-fixtures.py, and the environment of a measured command (OPENBLAS_CORETYPE
and OPENBLAS_L2_SIZE unset, as on a user's machine; OpenBLAS on one thread)."""
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, ".build", "release", "cnn-tui")
_spec = importlib.util.spec_from_file_location("reference_models", os.path.join(ROOT, "Scripts", "make-reference-fixtures.py"))
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


def measured_env():
    env = dict(os.environ)
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(key, None)
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env
