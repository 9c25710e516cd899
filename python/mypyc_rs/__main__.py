"""`python -m mypyc_rs ARGS` and the `mypyc-rs` script: run the compiler
binary with ARGS (`mypyc-rs --help` lists them)."""

from __future__ import annotations

import os
import subprocess
import sys

from mypyc_rs._binary import binary_path


def main() -> None:
    try:
        binary = binary_path()
    except RuntimeError as e:
        sys.exit(f"error: {e}")
    args = [binary, *sys.argv[1:]]
    if sys.platform == "win32":
        sys.exit(subprocess.call(args))
    os.execv(binary, args)


if __name__ == "__main__":
    main()
