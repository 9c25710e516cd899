"""List operations: membership, iteration helpers, construction, mutation."""

from typing import List


def _numbers(n: int) -> List[int]:
    return [(i * 7919) % 1009 for i in range(n)]


def bench_list_contains() -> int:
    items = _numbers(40)
    hits = 0
    for i in range(91000):
        if i % 1500 in items:
            hits += 1
    return hits


def bench_list_reversed() -> int:
    items = _numbers(1000)
    total = 0
    for _ in range(1600):
        for x in reversed(items):
            total += x
    return total


def bench_list_enumerate() -> int:
    items = _numbers(1000)
    total = 0
    for _ in range(670):
        for i, x in enumerate(items):
            total += i ^ x
    return total


def bench_list_zip() -> int:
    a = _numbers(1000)
    b = _numbers(1001)[1:]
    total = 0
    for _ in range(810):
        for x, y in zip(a, b):
            total += x - y
    return total


def bench_list_from_range() -> int:
    total = 0
    for i in range(130000):
        items = list(range(i % 40))
        total += len(items)
    return total


def bench_list_from_tuple() -> int:
    t = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    total = 0
    for _ in range(380000):
        items = list(t)
        total += items[3]
    return total


def bench_list_comprehension() -> int:
    items = _numbers(200)
    total = 0
    for _ in range(6300):
        doubled = [x * 2 for x in items]
        total += doubled[-1]
    return total


def bench_list_append() -> int:
    total = 0
    for _ in range(10000):
        out: List[int] = []
        for i in range(200):
            out.append(i)
        total += len(out)
    return total


def bench_list_get_item() -> int:
    items = _numbers(100)
    total = 0
    for _ in range(14000):
        for i in range(100):
            total += items[i]
    return total


def bench_list_set_item() -> int:
    items = _numbers(100)
    for j in range(12000):
        for i in range(100):
            items[i] = j + i
    return sum(items)


def bench_list_slice() -> int:
    items = _numbers(100)
    total = 0
    for i in range(240000):
        part = items[i % 50:i % 50 + 10]
        total += len(part)
    return total


def bench_list_sorted() -> int:
    items = _numbers(60)
    total = 0
    for _ in range(28000):
        s = sorted(items)
        total += s[10]
    return total


def bench_list_pop() -> int:
    total = 0
    base = _numbers(200)
    for _ in range(4500):
        items = base[:]
        while items:
            total += items.pop()
    return total


def bench_list_len() -> int:
    lists: List[List[int]] = [_numbers(i) for i in range(16)]
    total = 0
    for i in range(560000):
        total += len(lists[i & 15])
    return total


def bench_list_iter() -> int:
    items = _numbers(1000)
    total = 0
    for _ in range(1600):
        for x in items:
            total += x
    return total
