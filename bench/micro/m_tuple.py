"""Tuple operations: membership, multiple assignment, equality, unpacking."""

from typing import List, Tuple


def _pair(i: int) -> Tuple[int, int]:
    return i & 7, i >> 3


def bench_tuple_contains_var() -> int:
    t = (3, 17, 29, 41, 56, 71, 88, 97, 103, 119)
    hits = 0
    for i in range(200000):
        if i % 128 in t:
            hits += 1
    return hits


def bench_tuple_contains_literal() -> int:
    hits = 0
    for i in range(300000):
        if i % 16 in (1, 2, 3, 5, 8, 13):
            hits += 1
    return hits


def bench_tuple_contains_literal_str() -> int:
    words = ["if", "else", "while", "for", "def", "class", "return", "x", "y", "z"]
    hits = 0
    for i in range(430000):
        if words[i % 10] in ("for", "while", "if"):
            hits += 1
    return hits


def bench_tuple_swap_assign() -> int:
    total = 0
    for _ in range(11000):
        a, b = 0, 1
        for _ in range(60):
            a, b = b, (a + b) & 0xFFFFFF
        total += a
    return total


def bench_tuple_equality() -> int:
    hits = 0
    for i in range(330000):
        a = i & 3
        b = i & 5
        if (a, b) == (b, a):
            hits += 1
    return hits


def bench_tuple_from_list() -> int:
    items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    total = 0
    for _ in range(560000):
        t = tuple(items)
        total += t[4]
    return total


def bench_tuple_unpack_call() -> int:
    total = 0
    for i in range(200000):
        lo, hi = _pair(i)
        total += lo + hi
    return total


def bench_tuple_iter() -> int:
    t = (5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80)
    total = 0
    for _ in range(100000):
        for x in t:
            total += x
    return total


def bench_tuple_index() -> int:
    t = (5, 10, 15, 20, 25, 30, 35, 40)
    total = 0
    for i in range(820000):
        total += t[i & 7]
    return total


def bench_tuple_unpack_loop() -> int:
    pairs: List[Tuple[int, str]] = [(i, str(i)) for i in range(100)]
    total = 0
    for _ in range(8000):
        for n, s in pairs:
            total += n + len(s)
    return total
