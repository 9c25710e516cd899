"""Building mypyc-rs extensions with setuptools.

`mypycify` has the signature and meaning of `mypyc.build.mypycify`, so a
project switches from mypyc by changing one import line:

    from setuptools import setup
    from mypyc_rs.build import mypycify

    setup(name="example", ext_modules=mypycify(["example/core.py"]))

It runs the compiler binary in generate-only mode, which type-checks the
program, writes the C of every extension (and the C runtime) into
`target_dir` together with a JSON manifest of the extensions, and compiles
nothing. The manifest becomes the list of setuptools `Extension`s returned;
setuptools' `build_ext` compiles them, so `build_ext --inplace`, `-j`, `CC`,
`CFLAGS` and compiler wrappers (ccache, sccache, distcc) work as usual.
Generated files whose contents did not change are not rewritten, and (as
with mypyc) `build_ext --inplace` does not rewrite an extension in the
source tree whose contents did not change.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from typing import Any, Union

from setuptools import Extension

from mypyc_rs._binary import binary_path

__all__ = ["mypycify"]

# The manifest format this module reads (see compiler/build/manifest.rs).
_MANIFEST_VERSION = 1

# Set on the Extensions mypycify returns: the in-place copy skips them when
# the source tree already holds the same file.
_MARKER = "_mypyc_rs_extension"

SeparateGroups = list[tuple[list[str], Union[str, None]]]


def _fail(message: str) -> Any:
    sys.exit(f"error: {message}")


def _unsupported(option: str, value: object) -> None:
    raise ValueError(
        f"mypycify: {option}={value!r} is not supported by mypyc-rs "
        f"(it would change what is built); leave it at its default"
    )


def _group_name_for(files: list[str]) -> str:
    """A deterministic library name for an unnamed explicit group."""
    digest = hashlib.sha1(",".join(sorted(files)).encode()).hexdigest()
    return "g" + digest[:19]


def _same_file(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


# mypy flags that take their value as the next item (`--config-file FILE`).
_FLAGS_WITH_VALUES = {
    "--config-file",
    "--python-version",
    "--disable-error-code",
    "--enable-error-code",
}


def _split_paths(paths: list[str]) -> tuple[list[str], list[str]]:
    """mypy's flags (with their values) and the files of `paths`."""
    flags: list[str] = []
    files: list[str] = []
    items = iter(paths)
    for item in items:
        if not item.startswith("-"):
            files.append(item)
            continue
        flags.append(item)
        if "=" not in item and item in _FLAGS_WITH_VALUES:
            value = next(items, None)
            if value is None:
                _fail(f"mypycify: {item} needs a value")
            flags.append(value)
    return flags, files


def _compiler_args(
    paths: list[str],
    *,
    only_compile_paths: Iterable[str] | None,
    verbose: bool,
    opt_level: str,
    debug_level: str,
    strip_asserts: bool,
    multi_file: bool,
    separate: bool | SeparateGroups,
    target_dir: str,
    include_runtime_files: bool | None,
    group_name: str | None,
    manifest: str,
) -> list[str]:
    """The compiler's command line for a mypycify call."""
    flags, files = _split_paths(paths)
    if only_compile_paths is not None:
        wanted = list(only_compile_paths)
        files = [f for f in files if any(_same_file(f, w) for w in wanted)]
    if not files:
        _fail("mypycify: no files to compile")
    args = [
        "--generate-only",
        "--manifest",
        manifest,
        "--build-dir",
        target_dir,
        "-O",
        str(opt_level),
        "-g",
        str(debug_level),
    ]
    if verbose:
        args.append("--verbose")
    if strip_asserts:
        args.append("--strip-asserts")
    if multi_file:
        args.append("--multi-file")
    if include_runtime_files is not None:
        args += ["--include-runtime-files", "true" if include_runtime_files else "false"]
    if group_name is not None:
        args += ["--group-name", group_name]
    if separate is True:
        args.append("--separate")
    elif isinstance(separate, list):
        args.append("--separate")
        for group_files, name in separate:
            members = [f for f in group_files if any(_same_file(f, c) for c in files)]
            if not members:
                continue
            if any("," in f for f in members):
                _fail(f"mypycify: file names in separate groups cannot contain ',': {members}")
            args += ["--group", f"{name or _group_name_for(members)}={','.join(members)}"]
    elif separate is not False:
        _fail(f"mypycify: separate must be a bool or a list of (files, name), not {separate!r}")
    # mypy's flags, then the files (a flag's value stays after its flag).
    return args + flags + ["--"] + files


def _read_manifest(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        return _fail(f"cannot read the compiler's manifest {path}: {e}")
    if manifest.get("version") != _MANIFEST_VERSION:
        _fail(
            f"manifest {path} has version {manifest.get('version')!r}, expected "
            f"{_MANIFEST_VERSION} (mypyc-rs package and binary do not match)"
        )
    return manifest


def _extension(entry: dict[str, Any]) -> Extension:
    ext = Extension(
        entry["name"],
        sources=list(entry["sources"]),
        include_dirs=list(entry["include_dirs"]),
        depends=list(entry["depends"]),
        extra_compile_args=list(entry["extra_compile_args"]),
        define_macros=[(name, value) for name, value in entry["define_macros"]],
    )
    setattr(ext, _MARKER, True)
    return ext


def mypycify(
    paths: list[str],
    *,
    only_compile_paths: Iterable[str] | None = None,
    verbose: bool = False,
    opt_level: str = "3",
    debug_level: str = "1",
    strip_asserts: bool = False,
    multi_file: bool = False,
    separate: bool | SeparateGroups = False,
    skip_cgen_input: Any = None,
    target_dir: str | None = None,
    include_runtime_files: bool | None = None,
    strict_dunder_typing: bool = False,
    group_name: str | None = None,
    log_trace: bool = False,
    depends_on_librt_internal: bool = False,
    install_librt: bool = False,
    experimental_features: bool = False,
) -> list[Extension]:
    """Compile `paths` to C and return the setuptools Extensions to build.

    paths: Python files to compile, and mypy flags (items starting with '-').
    only_compile_paths: if not None, only these of `paths` are compiled.
    verbose: print what the compiler does.
    opt_level, debug_level: C optimisation and debug levels ("0" to "3";
        default "3" and "1").
    strip_asserts: leave `assert` statements out of the compiled code.
    multi_file: one C file per module instead of one per group.
    separate: False (one shared library for all modules), True (one per
        module) or a list of (files, library name or None) groups (modules
        not listed get their own library).
    target_dir: where the C and the manifest are written (default "build").
    include_runtime_files: compile the C runtime as one source (True) or
        file by file (False); default True, False with multi_file.
    group_name: the name of the single group's library (NAME__mypyc).

    skip_cgen_input, strict_dunder_typing, log_trace,
    depends_on_librt_internal, install_librt and experimental_features are
    mypyc's testing and experimental options; mypyc-rs accepts their
    defaults and raises ValueError naming the option for anything else.
    """
    for option, value, default in (
        ("skip_cgen_input", skip_cgen_input, None),
        ("strict_dunder_typing", strict_dunder_typing, False),
        ("log_trace", log_trace, False),
        ("depends_on_librt_internal", depends_on_librt_internal, False),
        ("install_librt", install_librt, False),
        ("experimental_features", experimental_features, False),
    ):
        if value != default:
            _unsupported(option, value)
    if isinstance(paths, str):
        paths = [paths]
    target_dir = target_dir if target_dir is not None else "build"
    _patch_inplace_copy()
    os.makedirs(target_dir, exist_ok=True)
    manifest_path = os.path.join(target_dir, "manifest.json")
    args = _compiler_args(
        [os.fspath(p) for p in paths],
        only_compile_paths=only_compile_paths,
        verbose=verbose,
        opt_level=opt_level,
        debug_level=debug_level,
        strip_asserts=strip_asserts,
        multi_file=multi_file,
        separate=separate,
        target_dir=target_dir,
        include_runtime_files=include_runtime_files,
        group_name=group_name,
        manifest=manifest_path,
    )
    try:
        binary = binary_path()
    except RuntimeError as e:
        return _fail(str(e))
    if verbose:
        print("mypyc-rs:", binary, *args)
    try:
        status = subprocess.call([binary, *args])
    except OSError as e:
        return _fail(f"cannot run the compiler {binary}: {e}")
    if status != 0:
        # The compiler printed its diagnostics (in mypy's format).
        sys.exit(1)
    manifest = _read_manifest(manifest_path)
    return [_extension(e) for e in manifest["extensions"]]


_patched = False


def _same_contents(a: str, b: str) -> bool:
    try:
        if os.path.getsize(a) != os.path.getsize(b):
            return False
        with open(a, "rb") as fa, open(b, "rb") as fb:
            while True:
                chunk = fa.read(1 << 20)
                if chunk != fb.read(1 << 20):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


def _replace(source: str, dest: str) -> None:
    """Copy `source` over `dest` atomically: a running process that loaded
    the old extension keeps its (unlinked) file."""
    directory = os.path.dirname(dest) or "."
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".mypyc-rs-")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        shutil.copymode(source, tmp)
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _patch_inplace_copy() -> None:
    """Make `build_ext --inplace` leave alone the extensions in the source
    tree that already hold what was built.

    setuptools copies every built extension into the source tree on every
    `build_ext --inplace`, changing mtimes (and defeating tools that watch
    them) even when nothing was rebuilt. The copy happens inside setup(),
    after mypycify has returned, so the hook is installed on setuptools'
    build_ext class; it only handles the Extensions mypycify made (tagged),
    and hands every other extension to setuptools' own copy.
    """
    global _patched
    if _patched:
        return
    _patched = True
    from setuptools.command.build_ext import build_ext

    original = build_ext.copy_extensions_to_source
    if not hasattr(build_ext, "_get_inplace_equivalent"):
        return  # A setuptools we do not know: keep its behaviour.

    def copy_extensions_to_source(self: Any) -> None:
        ours = [e for e in self.extensions if getattr(e, _MARKER, False)]
        others = [e for e in self.extensions if not getattr(e, _MARKER, False)]
        build_py = self.get_finalized_command("build_py")
        for ext in ours:
            inplace_file, regular_file = self._get_inplace_equivalent(build_py, ext)
            if not os.path.exists(regular_file):
                if ext.optional:
                    continue
                raise FileNotFoundError(f"{ext.name} was not built: {regular_file}")
            if not _same_contents(regular_file, inplace_file):
                _replace(regular_file, inplace_file)
        saved = self.extensions
        self.extensions = others
        try:
            original(self)
        finally:
            self.extensions = saved

    build_ext.copy_extensions_to_source = copy_extensions_to_source  # type: ignore[method-assign]

