"""mypyc-rs: a Rust reimplementation of mypyc, the compiler from typed
Python to CPython C extensions.

`mypyc_rs.build.mypycify` is the setuptools entry point (same signature as
`mypyc.build.mypycify`); `python -m mypyc_rs` / the `mypyc-rs` script run
the compiler binary itself.
"""

from mypyc_rs._binary import binary_path

__all__ = ["binary_path"]
__version__ = "0.1.0"
