"""Time `module.main()` imported from a given directory; print best seconds.

Usage: python3 harness.py DIR MODULE REPEATS [--expect-compiled]
"""

import importlib
import sys
import time


def run() -> None:
    directory, name, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, directory)
    module = importlib.import_module(name)
    compiled = not module.__file__.endswith(".py")
    if "--expect-compiled" in sys.argv and not compiled:
        sys.exit(f"{name}: expected a compiled extension, got {module.__file__}")
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = module.main()
        best = min(best, time.perf_counter() - start)
    print(f"{best:.6f} {result}")


run()
