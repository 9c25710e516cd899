"""Miscellaneous: functools.singledispatch dispatch and exception raising/catching."""

from functools import singledispatch
from typing import List, Union


@singledispatch
def describe(obj: object) -> int:
    return 0


@describe.register
def _(obj: int) -> int:
    return obj & 7


@describe.register
def _(obj: str) -> int:
    return len(obj)


@describe.register
def _(obj: float) -> int:
    return 100


class AppError(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _check(i: int) -> int:
    if i % 3 == 0:
        raise AppError(i & 15)
    return i & 1


def bench_misc_singledispatch() -> int:
    values: List[Union[int, str, float, bytes]] = [5, "hello", 2.5, b"x", 12, "ab"]
    total = 0
    for i in range(86000):
        total += describe(values[i % 6])
    return total


def bench_misc_try_except() -> int:
    total = 0
    for i in range(110000):
        try:
            total += _check(i)
        except AppError as e:
            total += e.code
    return total


def bench_misc_try_no_raise() -> int:
    total = 0
    for i in range(750000):
        try:
            total += i & 3
        except ValueError:
            total -= 1
    return total


def bench_misc_raise_builtin() -> int:
    total = 0
    for i in range(270000):
        try:
            if i & 1:
                raise ValueError("odd")
            total += 1
        except ValueError:
            total += 2
    return total
