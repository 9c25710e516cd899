"""Time black built by each compiler: the build, and formatting a large file.

    python3 bench/black.py --black-src DIR --python VENV_PYTHON \
        --compiler ours=target/release/mypyc --compiler mypyc=/venv/bin/mypyc \
        [--opt 3] [--runs 3]

DIR is an unpacked black sdist (see tests/real_programs/black.py, which
also makes a virtual environment with black's dependencies: pass its
python). For each compiler, a copy of DIR is compiled with the modules and
mypy flags black's wheel uses (`-O` from --opt; the real mypyc reads
MYPYC_OPT_LEVEL; the `[tool.mypy]` configuration is passed with
--config-file, as the real mypyc's setuptools run cannot have black's
pyproject.toml in its directory), timing the build; then each build, and the interpreted
sources, format the same input: black's own sources concatenated into one
file of about 10k lines, formatted from a string (`black.format_str`) in a
fresh process, best of --runs. Prints a markdown table.
"""

import argparse
import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

FORMAT = """
import sys, time, black
src = open(sys.argv[1]).read()
mode = black.Mode()
best = None
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    out = black.format_str(src, mode=mode)
    t = time.perf_counter() - t
    best = t if best is None else min(best, t)
print(best, len(out.splitlines()), black.linegen.__file__.endswith('.so'))
"""


def load_module_list():
    path = os.path.join(HERE, "..", "tests", "real_programs", "black.py")
    spec = importlib.util.spec_from_file_location("black_check", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.compiled_modules


def big_input(src_root, work):
    """Black's sources concatenated (about 10k lines)."""
    parts = []
    for path in sorted(glob.glob(os.path.join(src_root, "src", "black", "*.py"))):
        with open(path) as f:
            parts.append(f.read())
    text = "\n\n".join(parts)
    out = os.path.join(work, "input.py")
    with open(out, "w") as f:
        f.write(text)
    return out, len(text.splitlines())


def format_time(python, src_dir, input_path, runs):
    env = dict(os.environ, PYTHONPATH=os.path.join(src_dir, "src"))
    proc = subprocess.run(
        [python, "-c", FORMAT, input_path, str(runs)],
        env=env, capture_output=True, text=True, check=True,
    )
    best, lines, compiled = proc.stdout.split()
    return float(best), int(lines), compiled == "True"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--black-src", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--compiler", action="append", default=[])
    ap.add_argument("--opt", default="3")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    compiled_modules = load_module_list()
    work = tempfile.mkdtemp(prefix="black-bench-")
    input_path, nlines = big_input(args.black_src, work)
    rows = []
    interp_dir = os.path.join(work, "interpreted")
    pristine = shutil.ignore_patterns("*.so", "build", "__pycache__")
    shutil.copytree(args.black_src, interp_dir, ignore=pristine)
    t, out_lines, compiled = format_time(args.python, interp_dir, input_path, args.runs)
    assert not compiled
    rows.append(("interpreted", None, t))
    for spec in args.compiler:
        name, cmd = spec.split("=", 1)
        cmd = os.path.abspath(cmd)
        d = os.path.join(work, name)
        shutil.copytree(args.black_src, d, ignore=pristine)
        files, mypy_args = compiled_modules(d)
        # The real mypyc runs setuptools in the current directory, which
        # would read black's pyproject.toml as a setuptools project (hatch
        # metadata it rejects): the mypy configuration moves aside and is
        # named explicitly, for both compilers.
        # Both run in `src` (the real mypyc writes each extension at its
        # module's path under the current directory).
        os.rename(os.path.join(d, "pyproject.toml"), os.path.join(d, "mypy-config.toml"))
        mypy_args = ["--config-file", "../mypy-config.toml"] + mypy_args
        files = [os.path.relpath(f, "src") for f in files]
        env = dict(os.environ, MYPYC_OPT_LEVEL=args.opt)
        start = time.perf_counter()
        extra = ["--python", args.python] if name != "mypyc" else []
        proc = subprocess.run([cmd] + extra + mypy_args + files, cwd=os.path.join(d, "src"),
                              env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"{name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        build = time.perf_counter() - start
        t, lines, compiled = format_time(args.python, d, input_path, args.runs)
        assert compiled, f"{name}: black.linegen is not compiled"
        assert lines == out_lines, f"{name}: formatted output differs in length"
        rows.append((name, build, t))
    base = rows[0][2]
    print(f"Formatting {nlines} lines (black's sources in one file), best of {args.runs}; "
          f"builds at -O{args.opt}.\n")
    print("| black | build time | format time | speed-up over interpreted |")
    print("| --- | --- | --- | --- |")
    for name, build, t in rows:
        b = "—" if build is None else f"{build:.1f} s"
        print(f"| {name} | {b} | {t:.3f} s | {base / t:.2f}x |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
