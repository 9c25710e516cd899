"""Calls: positional, keyword, default, *args, **kwargs, lambdas, closures,
bound methods held in variables, and builtins."""

from typing import Callable, List


def _add3(a: int, b: int, c: int) -> int:
    return a + b + c


def _scaled(x: int, scale: int = 2, offset: int = 1) -> int:
    return x * scale + offset


def _count_args(*args: int) -> int:
    return len(args)


def _count_kwargs(**kwargs: int) -> int:
    return len(kwargs)


def _make_adder(n: int) -> Callable[[int], int]:
    def add(x: int) -> int:
        return x + n
    return add


class Acc:
    def __init__(self) -> None:
        self.total = 0

    def add(self, x: int) -> None:
        self.total += x


def bench_calls_positional() -> int:
    total = 0
    for i in range(380000):
        total += _add3(i, 1, 2)
    return total


def bench_calls_keyword() -> int:
    total = 0
    for i in range(330000):
        total += _add3(a=i, c=2, b=1)
    return total


def bench_calls_default() -> int:
    total = 0
    for i in range(380000):
        total += _scaled(i)
    return total


def bench_calls_star_args() -> int:
    total = 0
    for i in range(380000):
        total += _count_args(i, 2, 3)
    return total


def bench_calls_star_kwargs() -> int:
    total = 0
    for i in range(290000):
        total += _count_kwargs(a=i, b=2)
    return total


def bench_calls_lambda() -> int:
    f: Callable[[int], int] = lambda x: x * 3
    total = 0
    for i in range(420000):
        total += f(i)
    return total


def bench_calls_closure() -> int:
    f = _make_adder(7)
    total = 0
    for i in range(450000):
        total += f(i)
    return total


def bench_calls_bound_method() -> int:
    acc = Acc()
    add = acc.add
    for i in range(470000):
        add(i & 255)
    return acc.total


def bench_calls_builtin() -> int:
    items: List[List[int]] = [[0] * i for i in range(8)]
    total = 0
    for i in range(400000):
        total += len(items[i & 7]) + abs(4 - (i & 7))
    return total
