"""Generators: consumed by for loops, sum() over generator expressions, send()."""

from typing import Generator, Iterator, List


def _count_up(n: int) -> Iterator[int]:
    i = 0
    while i < n:
        yield i
        i += 1


def _running_total() -> Generator[int, int, None]:
    total = 0
    while True:
        received = yield total
        total += received


def bench_gen_for_loop() -> int:
    total = 0
    for _ in range(2600):
        for x in _count_up(200):
            total += x
    return total


def bench_gen_sum_genexpr() -> int:
    items = list(range(300))
    total = 0
    for _ in range(3600):
        total += sum(x * 2 for x in items)
    return total


def bench_gen_send() -> int:
    total = 0
    for _ in range(1500):
        g = _running_total()
        next(g)
        for i in range(300):
            total = g.send(i)
    return total


def bench_gen_list_of() -> int:
    total = 0
    for _ in range(9900):
        values: List[int] = list(_count_up(100))
        total += values[-1]
    return total
