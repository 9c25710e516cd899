"""The wrong-types probe of `run-tests --wrong-types`: imports a case's
compiled modules again and calls every public callable they define
(functions, classes, the methods of instances made without arguments,
attribute setters, the operators of instances, generator send/throw) with
values of the wrong types and native ints at their limits. Every call may
raise anything (it is caught); what it must not do is crash the process,
which the runner sees as a signal. A call that runs too long is stopped
by SIGALRM (compiled loops poll for signals); one that never polls (an
exponential recursion without loops) leaves the probe incomplete, which
the runner reports but does not count as a failure. Small ints that are
not at a limit are left out, as they make such recursions hang.

Prints `probing NAME` before each callable (flushed, so a crash shows
where), then `PROBE-OK callables=N calls=M`; with MYPYC_PROBE_STATS set,
appends `CASE N M` to that file.
"""

import gc
import importlib
import os
import signal
import sys

BAD = [
    None,
    object(),
    "x",
    b"x",
    1 << 70,
    -(1 << 70),
    1 << 63,
    -(1 << 63) - 1,
    1 << 31,
    -1,
    1.5,
    float("nan"),
    [],
    {},
    (),
    (1, "x"),
    {1},
    type,
    ValueError("probe"),
]
BUDGET_CALLS = 4000
CALL_SECONDS = 0.5


class ProbeTimeout(BaseException):
    pass


def on_alarm(signum, frame):
    raise ProbeTimeout()


calls = 0


def attempt(fn, *args, **kwargs):
    """Call fn, stopping it after CALL_SECONDS; returns its result or None."""
    global calls
    if calls >= BUDGET_CALLS:
        return None
    calls += 1
    signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
    try:
        return fn(*args, **kwargs)
    except ProbeTimeout:
        return None
    except (Exception, SystemExit, KeyboardInterrupt, GeneratorExit, RecursionError):
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def drive_generator(g):
    for v in BAD[:6]:
        attempt(g.send, v)
        attempt(g.throw, v)
    attempt(g.throw, ValueError("probe"))
    close = getattr(g, "close", None)
    if close is not None:
        attempt(close)


def call_with_bad_values(fn):
    for v in BAD:
        for n in (1, 2, 3):
            r = attempt(fn, *([v] * n))
            if r is not None and hasattr(r, "send") and hasattr(r, "throw"):
                drive_generator(r)
        attempt(fn, 1, v)
        attempt(fn, "x", v)
        attempt(fn, zz=v)


OPERATORS = [
    lambda a, b: a + b,
    lambda a, b: b + a,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a < b,
    lambda a, b: a == b,
    lambda a, b: a[b],
    lambda a, b: a.__setitem__(b, b),
    lambda a, b: a.__delitem__(b),
    lambda a, b: a(b),
]


def probe_instance(obj):
    for name in dir(obj):
        if name.startswith("_"):
            continue
        try:
            value = getattr(obj, name)
        except BaseException:
            continue
        if callable(value):
            call_with_bad_values(value)
        else:
            for v in BAD:
                attempt(setattr, obj, name, v)
    for op in OPERATORS:
        for v in BAD:
            attempt(op, obj, v)
    for fn in (len, hash, iter, repr, str, bool, abs, int, float):
        attempt(fn, obj)


def defined_in(obj, module):
    return getattr(obj, "__module__", None) == module.__name__


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    case, names = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, os.getcwd())
    callables = 0
    devnull = open(os.devnull, "w")
    for module_name in names:
        try:
            module = importlib.import_module(module_name)
        except BaseException:
            continue
        for name, obj in sorted(vars(module).items()):
            if name.startswith("_") or not callable(obj) or not defined_in(obj, module):
                continue
            callables += 1
            print(f"probing {module_name}.{name}", flush=True)
            # What the probed code prints is not the probe's output.
            real_stdout, sys.stdout = sys.stdout, devnull
            try:
                call_with_bad_values(obj)
                if isinstance(obj, type):
                    instance = attempt(obj)
                    if instance is not None:
                        probe_instance(instance)
            finally:
                sys.stdout = real_stdout
    print(f"PROBE-OK callables={callables} calls={calls}", flush=True)
    stats = os.environ.get("MYPYC_PROBE_STATS")
    if stats:
        with open(stats, "a") as f:
            f.write(f"{case} {callables} {calls}\n")
    # Free what the probe made (deallocation is probed too), but skip the
    # interpreter's teardown: threads or handlers the probed code started
    # could keep it waiting.
    gc.collect()
    sys.stdout.flush()
    os._exit(0)


main()
