"""Float operations: arithmetic, math.sqrt, comparisons, conversions."""

import math


def bench_float_arith() -> float:
    x = 0.0
    y = 1.0
    for i in range(410000):
        x = x * 0.5 + y * 1.25 - 0.75
        y = y / 1.0001 + 0.001
    return x + y


def bench_float_sqrt() -> float:
    total = 0.0
    for i in range(520000):
        total += math.sqrt(i + 0.5)
    return total


def bench_float_compare() -> int:
    hits = 0
    x = 0.0
    for i in range(710000):
        x += 0.37
        if x > 100.0:
            x -= 100.0
        if x < 50.0 and x >= 10.0:
            hits += 1
    return hits


def bench_float_from_int() -> float:
    total = 0.0
    for i in range(570000):
        total += float(i & 1023)
    return total


def bench_float_to_int() -> int:
    total = 0
    x = 0.0
    for _ in range(300000):
        x += 1.7
        total += int(x)
    return total


def bench_float_distance() -> float:
    total = 0.0
    for i in range(200000):
        dx = (i % 100) * 0.1
        dy = (i % 37) * 0.2
        total += math.sqrt(dx * dx + dy * dy)
    return total
