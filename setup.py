"""Builds the `mypyc` binary (cargo, through setuptools-rust) into the
`mypyc_rs` package as `mypyc_rs/bin/mypyc`, where `mypyc_rs.binary_path()`
finds it; everything else about the package is in pyproject.toml.

The binary does not depend on the Python version (it runs the target
interpreter to learn about it), so the wheel is tagged `py3-none-<platform>`.
"""

from setuptools import setup
from setuptools_rust import Binding, RustExtension

cmdclass = {}
try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1: `wheel`, absent before setuptools asks for it
    try:
        from wheel.bdist_wheel import bdist_wheel
    except ImportError:
        bdist_wheel = None

if bdist_wheel is not None:

    class bdist_wheel_any_python(bdist_wheel):
        def get_tag(self):
            _, _, platform = super().get_tag()
            return "py3", "none", platform

    cmdclass["bdist_wheel"] = bdist_wheel_any_python

setup(
    rust_extensions=[
        RustExtension(
            {"mypyc": "mypyc_rs.bin.mypyc"},
            path="Cargo.toml",
            binding=Binding.Exec,
            args=["--bin", "mypyc"],
        )
    ],
    cmdclass=cmdclass,
)
