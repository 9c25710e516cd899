#!/usr/bin/env python3
"""Microbenchmarks: one operation family per benchmark, compiled vs interpreted.

Each module bench/micro/m_*.py defines functions `bench_<family>_<op>()` that
take no arguments, run one operation in a hot loop (about 20-60 ms when
interpreted) and return a checksum.

For every module this script:
  1. copies it into a scratch directory for the interpreter and one for each
     compiler, and runs `COMPILER module.py` in each compiler's directory (a
     build failure is reported for that module and the others go on);
  2. for each variant, starts one fresh Python subprocess that imports the
     module from that directory (a compiled variant must load the extension,
     `module.__file__` ending in .so), and for each benchmark function calls
     it once as warm-up, then takes the best of N timed repetitions (each
     repetition calls the function often enough to last at least 10 ms);
  3. checks that every compiled variant returns the interpreted checksum.

It prints one row per benchmark: interpreted time, then for each compiler its
time and speedup (interpreted / compiled), and, with two or more compilers,
the run-time ratio of the first to the second. Summary lines follow: the
geometric mean speedup of each compiler, the benchmarks below 1.5x, and the
geometric mean of the first/second run-time ratio.

Usage:
    python3 bench/micro.py --compiler ours=target/release/mypyc \\
        --compiler mypyc=PATH/TO/REAL/mypyc [--runs N] [--only SUBSTRING] \\
        [--markdown] [--keep]

  --compiler NAME=PATH  a compiler invoked as `PATH module.py` (repeatable;
                        the first two are compared with each other)
  --runs N              timed repetitions per benchmark, best kept (default 5)
  --only SUBSTRING      only modules or benchmarks whose name contains it
                        (repeatable)
  --markdown            print the table as Markdown (for a README)
  --python PATH         the interpreter to run benchmarks with (default: the
                        one running this script; the compilers must build for
                        the same Python version)
  --keep                keep the scratch directory and print its path

Exit status: 1 if a compiled variant's checksum differs from the interpreted
one (MISMATCH), a benchmark raises or its subprocess crashes (ERROR/CRASH), or
a module fails to build (BUILD FAILED); 0 otherwise, however slow the results.
"""

import argparse
import ast
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
MICRO = HERE / "micro"
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 900
SLOW_THRESHOLD = 1.5

# Run in the child: import the module from a directory, then time each named
# benchmark. One JSON line per benchmark, flushed at once, so a crash loses
# only the benchmarks not yet reported.
CHILD = r"""
import importlib, json, sys, time
directory, name, expect_compiled, runs = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
sys.path.insert(0, directory)
mod = importlib.import_module(name)
path = getattr(mod, "__file__", "") or ""
if expect_compiled != path.endswith(".so"):
    print(json.dumps({"fatal": "expected %s module, got %r" % ("a compiled" if expect_compiled else "an interpreted", path)}), flush=True)
    sys.exit(3)
for bench in sys.argv[5:]:
    fn = getattr(mod, bench)
    try:
        start = time.perf_counter()
        result = fn()
        first = time.perf_counter() - start
        calls = max(1, int(0.010 / max(first, 1e-9)) + 1) if first < 0.010 else 1
        best = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            for _ in range(calls):
                again = fn()
            best = min(best, (time.perf_counter() - start) / calls)
            if again != result:
                raise RuntimeError("result changed between calls: %r != %r" % (result, again))
        print(json.dumps({"bench": bench, "time": best, "result": repr(result)}), flush=True)
    except BaseException as exc:
        print(json.dumps({"bench": bench, "error": "%s: %s" % (type(exc).__name__, exc)}), flush=True)
"""


class Outcome:
    """What one variant did for one benchmark."""

    def __init__(self, time: Optional[float] = None, result: Optional[str] = None,
                 error: Optional[str] = None) -> None:
        self.time = time
        self.result = result
        self.error = error


def bench_functions(path: Path) -> List[str]:
    tree = ast.parse(path.read_text(), str(path))
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("bench_")]


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def build(compiler: str, directory: Path, module: str) -> Optional[str]:
    """Compile module.py in directory; return None on success, else why not."""
    try:
        proc = subprocess.run([compiler, module + ".py"], cwd=directory,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timed out after %d s" % BUILD_TIMEOUT
    except OSError as exc:
        return "could not run %s: %s" % (compiler, exc)
    (directory / "build.log").write_text(proc.stdout)
    if proc.returncode != 0:
        return "exit %d\n%s" % (proc.returncode, tail(proc.stdout))
    if not list(directory.glob(module + ".*.so")):
        return "no %s.*.so produced\n%s" % (module, tail(proc.stdout))
    return None


def run_variant(python: str, directory: Path, module: str, compiled: bool,
                runs: int, benches: List[str]) -> Dict[str, Outcome]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env.pop("PYTHONPATH", None)
    outcomes: Dict[str, Outcome] = {}
    try:
        proc = subprocess.run(
            [python, "-c", CHILD, str(directory), module, "1" if compiled else "0",
             str(runs)] + benches,
            cwd=directory, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, timeout=RUN_TIMEOUT)
        stdout, stderr, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or ""
        stdout = out.decode() if isinstance(out, bytes) else out
        stderr, code = "timed out after %d s" % RUN_TIMEOUT, None
    fatal = None
    for line in stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if "fatal" in record:
            fatal = record["fatal"]
        elif "error" in record:
            outcomes[record["bench"]] = Outcome(error="ERROR " + record["error"])
        else:
            outcomes[record["bench"]] = Outcome(record["time"], record["result"])
    missing = [b for b in benches if b not in outcomes]
    if missing:
        if fatal is not None:
            why = "LOAD " + fatal
        elif code is None:
            why = "CRASH (timeout)"
        else:
            why = "CRASH (exit %s) %s" % (code, tail(stderr, 3).replace("\n", " | "))
        for b in missing:
            outcomes[b] = Outcome(error=why)
    return outcomes


def fmt_ms(t: Optional[float]) -> str:
    return "-" if t is None else "%.2f" % (t * 1000.0)


def geomean(values: List[float]) -> Optional[float]:
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compiler", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], metavar="SUBSTRING")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    compilers: List[Tuple[str, str]] = []
    for spec in args.compiler:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            parser.error("--compiler wants NAME=PATH, got %r" % spec)
        if os.sep in path or (os.altsep and os.altsep in path):
            path = str(Path(path).resolve())
        compilers.append((name, path))
    if not compilers:
        parser.error("give at least one --compiler NAME=PATH")
    names = [n for n, _ in compilers]
    if len(set(names)) != len(names):
        parser.error("compiler names must differ")

    modules = sorted(MICRO.glob("m_*.py"))
    scratch = Path(tempfile.mkdtemp(prefix="micro-bench-"))
    rows: List[Tuple[str, Optional[float], Dict[str, Outcome]]] = []
    build_failures: List[str] = []
    problems: List[str] = []
    try:
        for source in modules:
            module = source.stem
            benches = bench_functions(source)
            if args.only:
                if not any(s in module for s in args.only):
                    benches = [b for b in benches if any(s in b for s in args.only)]
            if not benches:
                continue
            print("== %s (%d benchmarks)" % (module, len(benches)), file=sys.stderr, flush=True)
            interp_dir = scratch / module / "interpreted"
            interp_dir.mkdir(parents=True)
            shutil.copy(source, interp_dir / source.name)
            per_variant: Dict[str, Dict[str, Outcome]] = {}
            for cname, cpath in compilers:
                cdir = scratch / module / cname
                cdir.mkdir(parents=True)
                shutil.copy(source, cdir / source.name)
                print("   building with %s ..." % cname, file=sys.stderr, flush=True)
                failure = build(cpath, cdir, module)
                if failure is not None:
                    msg = "%s: BUILD FAILED with %s: %s" % (module, cname, failure)
                    print(msg, file=sys.stderr, flush=True)
                    build_failures.append("%s [%s]: %s" % (module, cname, failure.splitlines()[0]))
                    per_variant[cname] = {b: Outcome(error="BUILD FAILED") for b in benches}
                    continue
                print("   running %s ..." % cname, file=sys.stderr, flush=True)
                per_variant[cname] = run_variant(args.python, cdir, module, True, args.runs, benches)
            print("   running interpreted ...", file=sys.stderr, flush=True)
            interp = run_variant(args.python, interp_dir, module, False, args.runs, benches)
            for b in benches:
                base = interp[b]
                if base.error is not None:
                    problems.append("%s (interpreted): %s" % (b, base.error))
                outs: Dict[str, Outcome] = {}
                for cname, _ in compilers:
                    o = per_variant[cname][b]
                    if o.error is None and base.error is None and o.result != base.result:
                        o.error = "MISMATCH got %s, interpreted %s" % (o.result, base.result)
                    if o.error is not None and o.error != "BUILD FAILED":
                        problems.append("%s [%s]: %s" % (b, cname, o.error))
                    outs[cname] = o
                rows.append((b, base.time, outs))
    finally:
        if args.keep:
            print("scratch directory kept: %s" % scratch, file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    pair = (names[0], names[1]) if len(names) >= 2 else None
    header = ["benchmark", "interp ms"]
    for n in names:
        header += ["%s ms" % n, "%s x" % n]
    if pair:
        header.append("%s/%s" % pair)
    table: List[List[str]] = []
    speedups: Dict[str, List[float]] = {n: [] for n in names}
    slow: Dict[str, List[Tuple[float, str]]] = {n: [] for n in names}
    ratios: List[Tuple[float, str]] = []
    for b, base_t, outs in rows:
        cells = [b, fmt_ms(base_t)]
        for n in names:
            o = outs[n]
            if o.error is not None:
                label = "BUILD-FAILED" if o.error == "BUILD FAILED" else o.error.split(" ")[0]
                cells += [label, "-"]
                continue
            cells.append(fmt_ms(o.time))
            if base_t is not None and o.time:
                s = base_t / o.time
                speedups[n].append(s)
                if s < SLOW_THRESHOLD:
                    slow[n].append((s, b))
                cells.append("%.2fx" % s)
            else:
                cells.append("-")
        if pair:
            a, c = outs[pair[0]], outs[pair[1]]
            if a.error is None and c.error is None and a.time and c.time:
                r = a.time / c.time
                ratios.append((r, b))
                cells.append("%.2f" % r)
            else:
                cells.append("-")
        table.append(cells)

    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        for cells in table:
            print("| " + " | ".join(cells) + " |")
        print()
    else:
        widths = [max(len(r[i]) for r in [header] + table) for i in range(len(header))]
        line = lambda cells: "  ".join(
            c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells))
        print(line(header))
        print("  ".join("-" * w for w in widths))
        for cells in table:
            print(line(cells))
        print()

    bullet = "- " if args.markdown else ""
    for n in names:
        g = geomean(speedups[n])
        print("%s%s: geometric mean speedup vs interpreted %s over %d benchmarks"
              % (bullet, n, "-" if g is None else "%.2fx" % g, len(speedups[n])))
        worst = sorted(slow[n])
        listed = ", ".join("%s (%.2fx)" % (name, s) for s, name in worst)
        print("%s%s: %d benchmarks below %.1fx%s" % (bullet, n, len(worst), SLOW_THRESHOLD,
                                                   ": " + listed if worst else ""))
    if pair:
        g = geomean([r for r, _ in ratios])
        print("%s%s/%s: geometric mean run-time ratio %s over %d benchmarks (below 1 = %s faster)"
              % (bullet, pair[0], pair[1], "-" if g is None else "%.2f" % g, len(ratios), pair[0]))
        worse = sorted(((r, b) for r, b in ratios if r > SLOW_THRESHOLD), reverse=True)
        print("%s%s/%s above %.1f: %d%s" % (bullet, pair[0], pair[1], SLOW_THRESHOLD, len(worse),
              ": " + ", ".join("%s (%.2f)" % (b, r) for r, b in worse) if worse else ""))
    for f in build_failures:
        print("%sBUILD FAILED %s" % (bullet, f))
    for p in problems:
        print("%s%s" % (bullet, p))
    return 1 if build_failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
