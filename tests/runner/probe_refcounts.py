"""The reference-count probe of `run-tests --refcheck`: runs each `test_*`
function of a case's compiled `native` module many times and checks that
the number of allocated memory blocks (`sys.getallocatedblocks()`, after
a collection) does not grow with the number of runs. A release build of
CPython has no total reference count, but a leaked reference keeps its
object, and so its blocks, alive: a function leaking one object per call
grows by at least one block per call.

What a test keeps on purpose (a global list it appends to, a cache) grows
too, so the same function of the interpreted copy (`interpreted.py`) is
measured the same way, and only growth beyond the interpreted one counts.

Prints `LEAK name: +N blocks per run (interpreted +M)` for each leaking
function, then `PROBE-OK functions=N leaking=M`; with MYPYC_PROBE_STATS
set, appends `CASE N M` to that file.
"""

import gc
import importlib
import os
import sys
import time

RUNS = 40
SLOW = 0.2  # seconds: a function slower than this is run fewer times


def growth(fn, runs):
    """Blocks allocated per run of fn, over `runs` runs after a warm-up;
    None if a run raises (a test that cannot run twice)."""
    try:
        fn()
        fn()
        gc.collect()
        before = sys.getallocatedblocks()
        for _ in range(runs):
            fn()
    except BaseException:
        return None
    gc.collect()
    return (sys.getallocatedblocks() - before) / runs


def measurable(fn):
    """Does fn run without raising, quickly enough to repeat?"""
    start = time.perf_counter()
    try:
        fn()
    except BaseException:
        return None
    return time.perf_counter() - start


def main():
    case = sys.argv[1]
    sys.path.insert(0, os.getcwd())
    devnull = open(os.devnull, "w")
    real_stdout = sys.stdout
    sys.stdout = devnull
    try:
        compiled = importlib.import_module("native")
        interpreted = importlib.import_module("interpreted")
    except BaseException as e:
        sys.stdout = real_stdout
        print(f"PROBE-OK functions=0 leaking=0 (import failed: {e!r})")
        return
    tests = sorted(n for n in vars(compiled) if n.startswith("test_") and callable(getattr(compiled, n)))
    checked = 0
    leaking = []
    for name in tests:
        fn, ref = getattr(compiled, name), getattr(interpreted, name, None)
        took = measurable(fn)
        if took is None or ref is None or measurable(ref) is None:
            continue
        runs = RUNS if took < SLOW / RUNS else max(3, int(SLOW / max(took, 1e-9)))
        ours = growth(fn, runs)
        if ours is None:
            continue
        checked += 1
        if ours < 1:
            continue
        theirs = growth(ref, runs)
        if theirs is not None and ours - theirs >= 1:
            # Confirm with more runs: a one-off allocation, or a cache that
            # fills up over the first hundred runs, fades; a leak grows in
            # every batch.
            for _ in range(3):
                ours = growth(fn, runs * 2)
                theirs = growth(ref, runs * 2)
                if ours is None or theirs is None or ours - theirs < 1:
                    break
            else:
                leaking.append(f"LEAK {name}: +{ours:.1f} blocks per run (interpreted +{theirs:.1f})")
    sys.stdout = real_stdout
    for line in leaking:
        print(line)
    print(f"PROBE-OK functions={checked} leaking={len(leaking)}", flush=True)
    stats = os.environ.get("MYPYC_PROBE_STATS")
    if stats:
        with open(stats, "a") as f:
            f.write(f"{case} {checked} {len(leaking)}\n")
    os._exit(0)


main()
