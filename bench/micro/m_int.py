"""Integer operations on small ints: arithmetic, bitwise, comparisons, builtins."""


def bench_int_arith() -> int:
    total = 0
    for i in range(1, 280001):
        total += (i * 3 + 7 - i // 5) % 1000
    return total


def bench_int_floordiv_mod() -> int:
    total = 0
    for i in range(1, 400001):
        total += i // 7 + i % 13
    return total


def bench_int_bitwise() -> int:
    total = 0
    for i in range(250000):
        total ^= ((i & 0xFF) | (i >> 3)) ^ ((i << 2) & 0xFFFF)
    return total


def bench_int_compare() -> int:
    hits = 0
    for i in range(900000):
        if i < 600000 and i >= 1000 and i != 5000:
            hits += 1
    return hits


def bench_int_abs() -> int:
    total = 0
    for i in range(610000):
        total += abs(i - 150000)
    return total


def bench_int_min_max() -> int:
    total = 0
    for i in range(120000):
        total += min(i, 1000) + max(i & 255, 100)
    return total


def bench_int_to_float() -> float:
    total = 0.0
    for i in range(690000):
        total += float(i) * 0.5
    return total


def bench_int_collatz() -> int:
    steps = 0
    for start in range(1, 7300):
        n = start
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
    return steps
