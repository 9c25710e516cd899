"""Set operations: membership, add/discard, comprehensions, iteration."""

from typing import Set


def _set(n: int) -> Set[int]:
    return {(i * 37) % 1009 for i in range(n)}


def bench_set_contains() -> int:
    s = _set(300)
    hits = 0
    for i in range(550000):
        if i % 2000 in s:
            hits += 1
    return hits


def bench_set_contains_str() -> int:
    s = {"w%d" % i for i in range(100)}
    probes = ["w%d" % (i * 2) for i in range(100)]
    hits = 0
    for _ in range(13000):
        for p in probes:
            if p in s:
                hits += 1
    return hits


def bench_set_add_discard() -> int:
    s: Set[int] = set()
    total = 0
    for i in range(200000):
        s.add(i & 1023)
        s.discard((i * 7) & 1023)
        total += len(s) & 1
    return total + len(s)


def bench_set_comprehension() -> int:
    items = list(range(300))
    total = 0
    for _ in range(4200):
        s = {x % 97 for x in items}
        total += len(s)
    return total


def bench_set_iter() -> int:
    s = _set(500)
    total = 0
    for _ in range(2500):
        for x in s:
            total += x
    return total
