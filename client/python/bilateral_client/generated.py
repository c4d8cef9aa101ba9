"""Where the generated modules are, and putting them on sys.path."""

import os
import sys

# BILATERAL_PYTHON_GEN_DIR if set, else build/gen/python in the repository,
# where client/python/generate.sh writes them.
GENERATED_DIR = os.environ.get("BILATERAL_PYTHON_GEN_DIR") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "build", "gen", "python")
)


def use_generated_code(path=GENERATED_DIR):
    """Puts `path` first on sys.path.

    First, so that our google.rpc copies win over an installed
    googleapis-common-protos. Raises ImportError when nothing was generated.
    """
    if not os.path.isfile(os.path.join(path, "bilateral", "v1", "visit_pb2.py")):
        raise ImportError(f"no generated modules in {path}: run client/python/generate.sh")
    if path in sys.path:
        sys.path.remove(path)
    sys.path.insert(0, path)
