"""Measure incremental rebuilds on generated packages (README table).

    python3 bench/incremental.py --compiler target/release/mypyc \
        [--modules 50 200] [--opt 0 3]

For each package size, optimization level and mode (default: one group;
`--separate`: one group per module) it times, in a fresh directory made by
bench/gen_package.py: a clean build, a no-op rebuild, a rebuild after
editing one function's body (a constant in `scale` of the middle module)
and after editing one module's interface (a method added to the class of
the module a quarter of the way in, which the classes of other modules
derive from). For each
rebuild it reports how many modules the compiler rechecked (its `-v`
lines `mypyc: rechecked M`), how many groups it compiled C for (`mypyc:
compiled group G`) and how many extension files were rewritten,
and checks that the compiled package prints what the interpreted one does.
The compiler targets the interpreter running this script (`--python
sys.executable`), which also runs the package. Prints a markdown table.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def build(compiler, cwd, args):
    start = time.perf_counter()
    proc = subprocess.run(
        [compiler, "-v", "--build-dir", "build", "--python", sys.executable] + args + ["genpkg"],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build failed in {cwd}:\n{proc.stderr}")
    lines = proc.stderr.splitlines()
    rechecked = sum(1 for l in lines if l.startswith("mypyc: rechecked "))
    compiled = sum(1 for l in lines if l.startswith("mypyc: compiled group "))
    return elapsed, rechecked, compiled


def extensions(cwd):
    out = {}
    for root, _, files in os.walk(cwd):
        if "build" in root.split(os.sep):
            continue
        for f in files:
            if f.endswith(".so") or f.endswith(".pyd"):
                p = os.path.join(root, f)
                out[p] = os.stat(p).st_mtime_ns
    return out


def output(cwd):
    return subprocess.run(
        [sys.executable, "-c", "import genpkg; genpkg.main()"],
        cwd=cwd, capture_output=True, text=True, check=True,
    ).stdout


def interpreted_output(cwd):
    """What the package prints interpreted (a copy without extensions)."""
    with tempfile.TemporaryDirectory() as copy:
        shutil.copytree(os.path.join(cwd, "genpkg"), os.path.join(copy, "genpkg"),
                        ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
        return output(copy)


def edit_body(path):
    text = open(path).read()
    new = re.sub(r"(def scale\d+\(x: int\) -> int:\n    return scale\d+\(x\) \+ )(\d+)",
                 lambda m: m.group(1) + str(int(m.group(2)) + 1), text, count=1)
    assert new != text, "no scale function to edit in " + path
    open(path, "w").write(new)


def edit_interface(path):
    text = open(path).read()
    new, n = re.subn(r"(class Shape\d+[^\n]*:\n)", r"\1    def added(self) -> int:\n        return 1\n\n",
                     text, count=1)
    assert n == 1, "no class to edit in " + path
    open(path, "w").write(new)


def measure(compiler, modules, opt, mode):
    tmp = tempfile.mkdtemp(prefix="incr-")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_package.py"), tmp, str(modules)], check=True)
        args = ["-O", str(opt)] + (["--separate"] if mode == "separate" else [])
        row = {}
        row["clean"] = build(compiler, tmp, args)[0]
        assert output(tmp) == interpreted_output(tmp)
        middle = os.path.join(tmp, "genpkg", "mod_%02d.py" % (modules // 2))
        # A module with subclasses (module i derives from (i-1)//2).
        quarter = os.path.join(tmp, "genpkg", "mod_%02d.py" % (modules // 4))
        for name, edit in [("noop", None), ("body", edit_body), ("interface", edit_interface)]:
            if edit:
                edit(quarter if edit is edit_interface else middle)
            before = extensions(tmp)
            t, rechecked, compiled = build(compiler, tmp, args)
            after = extensions(tmp)
            rewritten = sum(1 for p, m in after.items() if before.get(p) != m)
            row[name] = (t, rechecked, compiled, rewritten)
            assert output(tmp) == interpreted_output(tmp), f"{name} rebuild prints otherwise"
        return row
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compiler", required=True)
    ap.add_argument("--modules", type=int, nargs="+", default=[50, 200])
    ap.add_argument("--opt", type=int, nargs="+", default=[0, 3])
    args = ap.parse_args()
    compiler = os.path.abspath(args.compiler)
    print("| modules | -O | mode | clean build | no-op rebuild | body edit | interface edit |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n in args.modules:
        for opt in args.opt:
            for mode in ["default", "separate"]:
                r = measure(compiler, n, opt, mode)
                cells = [f"{r['clean']:.2f} s"]
                for k in ["noop", "body", "interface"]:
                    t, rc, cg, rw = r[k]
                    cells.append(f"{t:.2f} s: {rc} rechecked, {cg} groups compiled, {rw} files rewritten")
                print(f"| {n} | {opt} | {mode} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
