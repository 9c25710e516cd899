"""Finding the compiler binary.

The wheel ships the Rust `mypyc` binary inside the package, at
`mypyc_rs/bin/mypyc` (`mypyc.exe` on Windows), so that it never collides
with mypy's own `mypyc` script. `MYPYC_RS_BINARY` names another binary
(a development build, e.g. `target/release/mypyc`, with this package used
from the source tree through PYTHONPATH).
"""

from __future__ import annotations

import os
import sys

ENV_VAR = "MYPYC_RS_BINARY"


def binary_path() -> str:
    """The path of the compiler binary; raises RuntimeError if there is none."""
    override = os.environ.get(ENV_VAR)
    if override:
        if not os.path.isfile(override):
            raise RuntimeError(f"{ENV_VAR}={override} is not a file")
        return override
    name = "mypyc.exe" if sys.platform == "win32" else "mypyc"
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", name)
    if not os.path.isfile(path):
        raise RuntimeError(
            f"the mypyc-rs compiler binary is missing (looked for {path}); "
            f"reinstall mypyc-rs, or set {ENV_VAR} to a built `mypyc` binary"
        )
    return path
