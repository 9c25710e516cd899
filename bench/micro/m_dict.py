"""Dict operations: membership, iteration views, get/set, comprehensions."""

from typing import Dict, List


def _table(n: int) -> Dict[int, int]:
    return {(i * 31) % 997: i for i in range(n)}


def _str_table(n: int) -> Dict[str, int]:
    return {"key%d" % i: i for i in range(n)}


def bench_dict_contains() -> int:
    d = _table(200)
    hits = 0
    for i in range(610000):
        if i % 1000 in d:
            hits += 1
    return hits


def bench_dict_contains_str() -> int:
    d = _str_table(100)
    keys = ["key%d" % (i * 3) for i in range(60)]
    hits = 0
    for _ in range(17000):
        for k in keys:
            if k in d:
                hits += 1
    return hits


def bench_dict_iter() -> int:
    d = _table(500)
    total = 0
    for _ in range(2600):
        for k in d:
            total += k
    return total


def bench_dict_items() -> int:
    d = _table(500)
    total = 0
    for _ in range(1500):
        for k, v in d.items():
            total += k ^ v
    return total


def bench_dict_values() -> int:
    d = _table(500)
    total = 0
    for _ in range(2600):
        for v in d.values():
            total += v
    return total


def bench_dict_keys() -> int:
    d = _table(500)
    total = 0
    for _ in range(2600):
        for k in d.keys():
            total += k
    return total


def bench_dict_list_of() -> int:
    d = _table(100)
    total = 0
    for _ in range(64000):
        keys = list(d)
        total += keys[7]
    return total


def bench_dict_get_item() -> int:
    d = _table(997)
    keys: List[int] = list(d)
    total = 0
    for _ in range(980):
        for k in keys:
            total += d[k]
    return total


def bench_dict_set_item() -> int:
    d: Dict[int, int] = {}
    for j in range(600):
        for i in range(1000):
            d[i] = i + j
    return sum(d.values())


def bench_dict_get_default() -> int:
    d = _table(200)
    total = 0
    for i in range(450000):
        total += d.get(i % 1000, -1)
    return total


def bench_dict_setdefault() -> int:
    total = 0
    for _ in range(1600):
        groups: Dict[int, List[int]] = {}
        for i in range(300):
            groups.setdefault(i % 17, []).append(i)
        total += len(groups[5])
    return total


def bench_dict_comprehension() -> int:
    items = list(range(200))
    total = 0
    for _ in range(3900):
        d = {x: x * 2 for x in items}
        total += d[77]
    return total


def bench_dict_str_get_set() -> int:
    words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"]
    counts: Dict[str, int] = {}
    for i in range(430000):
        w = words[i & 7]
        counts[w] = counts.get(w, 0) + 1
    return counts["gamma"] * 10 + len(counts)
