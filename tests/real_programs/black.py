"""Compile black with this compiler and run black's own test suite.

    python3 tests/real_programs/black.py --compiler target/release/mypyc \
        [--workdir DIR] [--opt 0] [--jobs 2]

Downloads black's sdist and its runtime and test dependencies from PyPI
into a fresh virtual environment under the work directory, compiles exactly
the modules black's own wheels compile (everything under `src/` except the
`exclude` list of its hatch-mypyc hook, read from its pyproject.toml) with
black's mypy flags (`mypy-args` of that hook; its `[tool.mypy]` section is
read by the compiler), checks that the compiled extension modules are what
the tests import, and runs `pytest -n JOBS tests -k "not
incompatible_with_mypyc"` as black's CI does. Exits 1 unless every test
passes except those listed in ALLOWED_FAILURES (the ones that also fail
interpreted in this setup). Prints the pytest summary and timings.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib

BLACK = "black==26.10.1"
# Pinned so that the suite's result does not drift with new releases.
DEPENDENCIES = [
    "click==8.5.1",
    "packaging==26.4",
    "pathspec==1.1.1",
    "platformdirs==4.14.9",
    "pytokens==0.4.1",
    "mypy_extensions==1.2.0",
    "pytest==8.4.2",
    "pytest-xdist==3.8.0",
    "aiohttp==3.14.5",
]
# Needs black installed (its entry points); fails interpreted too when the
# sources are only on sys.path, as here.
ALLOWED_FAILURES = {"test_schema_entrypoint"}


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def fetch_black(work):
    run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         "-d", work, BLACK, "-q"])
    (archive,) = glob.glob(os.path.join(work, "black-*.tar.gz"))
    with tarfile.open(archive) as t:
        t.extractall(work, filter="data")
    (root,) = [p for p in glob.glob(os.path.join(work, "black-*")) if os.path.isdir(p)]
    return root


def make_venv(work):
    venv = os.path.join(work, "venv")
    run([sys.executable, "-m", "venv", venv])
    python = os.path.join(venv, "bin", "python")
    run([python, "-m", "pip", "install", "-q"] + DEPENDENCIES)
    return python


def compiled_modules(root):
    """The files black's wheel compiles, relative to `root`, and the mypy args."""
    with open(os.path.join(root, "pyproject.toml"), "rb") as f:
        hook = tomllib.load(f)["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    excluded = [e.lstrip("/") for e in hook.get("exclude", [])]
    files = []
    for path in sorted(glob.glob("src/**/*.py", root_dir=root, recursive=True)):
        if any(path == e or path.startswith(e.rstrip("/") + "/") for e in excluded):
            continue
        files.append(path)
    return files, hook.get("mypy-args", [])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compiler", required=True)
    ap.add_argument("--workdir")
    ap.add_argument("--opt", default="0")
    ap.add_argument("--jobs", default="2")
    args = ap.parse_args()
    compiler = os.path.abspath(args.compiler)
    work = os.path.abspath(args.workdir or tempfile.mkdtemp(prefix="black-"))
    os.makedirs(work, exist_ok=True)
    root = fetch_black(work)
    python = make_venv(work)
    files, mypy_args = compiled_modules(root)
    start = time.perf_counter()
    run([compiler, "-O", args.opt, "--python", python, "--build-dir", "build"] + mypy_args + files,
        cwd=root)
    build_time = time.perf_counter() - start
    env = dict(os.environ, PYTHONPATH=os.path.join(root, "src"))
    where = subprocess.run(
        [python, "-c", "import black.linegen as m; print(m.__file__)"],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    print(f"black.linegen: {where}")
    if not where.endswith(".so"):
        print("error: the tests would not run the compiled modules", file=sys.stderr)
        return 1
    start = time.perf_counter()
    tests = subprocess.run(
        [python, "-m", "pytest", "-n", args.jobs, "tests", "-k", "not incompatible_with_mypyc",
         "-q", "-p", "no:cacheprovider", "-rf"],
        cwd=root, env=env, capture_output=True, text=True,
    )
    test_time = time.perf_counter() - start
    out = tests.stdout
    failed = set(re.findall(r"^FAILED \S+::(\w+)", out, re.M))
    summary = out.strip().splitlines()[-1] if out.strip() else tests.stderr[-2000:]
    print(f"compiled {len(files)} modules in {build_time:.1f} s; tests in {test_time:.1f} s")
    print(summary)
    unexpected = sorted(failed - ALLOWED_FAILURES)
    passed = re.search(r"(\d+) passed", summary)
    if unexpected or not passed or tests.returncode not in (0, 1):
        print(out[-20000:])
        print(f"error: unexpected failures: {unexpected}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
