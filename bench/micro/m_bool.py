"""Bool operations: and/or/not on bools and bools used as conditions."""

from typing import List


def _flags(n: int) -> List[bool]:
    return [(i * 7) % 3 == 0 for i in range(n)]


def bench_bool_and_or_not() -> int:
    flags = _flags(64)
    hits = 0
    for i in range(300000):
        a = flags[i & 63]
        b = flags[(i + 5) & 63]
        c = (a and not b) or (b and not a)
        if c:
            hits += 1
    return hits


def bench_bool_condition() -> int:
    flags = _flags(64)
    total = 0
    for i in range(780000):
        if flags[i & 63]:
            total += 1
        else:
            total -= 1
    return total


def bench_bool_accumulate() -> int:
    flags = _flags(100)
    count = 0
    for _ in range(15000):
        seen = False
        for f in flags:
            seen = seen or f
            if seen and f:
                count += 1
    return count
