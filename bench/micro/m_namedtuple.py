"""typing.NamedTuple: field access by name and index, unpacking, construction."""

from typing import List, NamedTuple


class Point(NamedTuple):
    x: int
    y: int
    label: str


def _points(n: int) -> List[Point]:
    return [Point(i, i * 2, "p") for i in range(n)]


def bench_namedtuple_field() -> int:
    pts = _points(100)
    total = 0
    for _ in range(6600):
        for p in pts:
            total += p.x + p.y
    return total


def bench_namedtuple_index() -> int:
    pts = _points(100)
    total = 0
    for _ in range(6400):
        for p in pts:
            total += p[0] + p[1]
    return total


def bench_namedtuple_unpack() -> int:
    pts = _points(100)
    total = 0
    for _ in range(2000):
        for p in pts:
            a, b, s = p
            total += a - b + len(s)
    return total


def bench_namedtuple_construct() -> int:
    total = 0
    for i in range(100000):
        p = Point(i, i + 1, "q")
        total += p.y
    return total
