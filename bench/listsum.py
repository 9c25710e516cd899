"""Benchmark: building and summing lists (list ops, iteration, indexing)."""

from typing import List


def build(n: int) -> List[int]:
    xs: List[int] = []
    for i in range(n):
        xs.append(i % 97)
    return xs


def total(xs: List[int]) -> int:
    s = 0
    for x in xs:
        s += x
    return s


def indexed_total(xs: List[int]) -> int:
    s = 0
    i = 0
    n = len(xs)
    while i < n:
        s += xs[i]
        i += 1
    return s


def main(n: int = 300000) -> int:
    xs = build(n)
    result = 0
    for _ in range(10):
        result += total(xs) - indexed_total(xs)
    return result + total(xs)
