"""Class attributes: native class and @dataclass attribute get/set, @property,
method calls, super() calls, isinstance checks. (attrs is not used: it is not
a dependency of the project.)"""

from dataclasses import dataclass
from typing import List, Union


class Counter:
    def __init__(self, start: int) -> None:
        self.value = start
        self.step = 1

    @property
    def doubled(self) -> int:
        return self.value * 2

    def bump(self, n: int) -> int:
        self.value += n
        return self.value


class Base:
    def weight(self, n: int) -> int:
        return n + 1


class Derived(Base):
    def weight(self, n: int) -> int:
        return super().weight(n) * 2


class Other:
    pass


@dataclass
class Vec:
    x: int
    y: int


def bench_attrs_native_get() -> int:
    c = Counter(3)
    total = 0
    for _ in range(910000):
        total += c.value + c.step
    return total


def bench_attrs_native_set() -> int:
    c = Counter(0)
    for i in range(1000000):
        c.value = i
        c.step = i & 7
    return c.value + c.step


def bench_attrs_dataclass_get() -> int:
    v = Vec(3, 4)
    total = 0
    for _ in range(880000):
        total += v.x * v.y
    return total


def bench_attrs_dataclass_set() -> int:
    v = Vec(0, 0)
    for i in range(890000):
        v.x = i
        v.y = v.x & 15
    return v.x + v.y


def bench_attrs_property() -> int:
    c = Counter(21)
    total = 0
    for _ in range(400000):
        total += c.doubled
    return total


def bench_attrs_method_call() -> int:
    c = Counter(0)
    total = 0
    for i in range(350000):
        total += c.bump(i & 3) & 0xFF
    return total


def bench_attrs_super_call() -> int:
    d = Derived()
    total = 0
    for i in range(190000):
        total += d.weight(i & 15)
    return total


def bench_attrs_isinstance() -> int:
    objs: List[Union[Base, Other]] = [Base(), Derived(), Other(), Derived()]
    hits = 0
    for i in range(450000):
        if isinstance(objs[i & 3], Derived):
            hits += 1
    return hits


def bench_attrs_construct() -> int:
    total = 0
    for i in range(160000):
        v = Vec(i, i + 1)
        total += v.y
    return total
