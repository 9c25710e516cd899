"""Builds the `mypyc` binary (cargo, through setuptools-rust) into the
`mypyc_rs` package as `mypyc_rs/bin/mypyc`, where `mypyc_rs.binary_path()`
finds it; everything else about the package is in pyproject.toml."""

from setuptools import setup
from setuptools_rust import Binding, RustExtension

setup(
    rust_extensions=[
        RustExtension(
            {"mypyc": "mypyc_rs.bin.mypyc"},
            path="Cargo.toml",
            binding=Binding.Exec,
            args=["--bin", "mypyc"],
        )
    ],
)
