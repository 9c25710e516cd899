"""Enum operations: member access, identity and equality tests, .value, iteration."""

from enum import Enum
from typing import List


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3
    YELLOW = 4


def _palette() -> List[Color]:
    return [Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW, Color.GREEN, Color.RED]


def bench_enum_member_access() -> int:
    total = 0
    for _ in range(150000):
        c = Color.BLUE
        d = Color.RED
        if c is not d:
            total += 1
    return total


def bench_enum_is() -> int:
    colors = _palette()
    hits = 0
    for i in range(300000):
        if colors[i % 6] is Color.RED:
            hits += 1
    return hits


def bench_enum_eq() -> int:
    colors = _palette()
    hits = 0
    for i in range(300000):
        if colors[i % 6] == Color.GREEN:
            hits += 1
    return hits


def bench_enum_value() -> int:
    colors = _palette()
    total = 0
    for i in range(200000):
        total += colors[i % 6].value
    return total


def bench_enum_iter() -> int:
    total = 0
    for _ in range(24000):
        for c in Color:
            total += c.value
    return total
