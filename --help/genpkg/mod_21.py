"""Generated module 21 of 50."""
from typing import List

from genpkg.mod_10 import Shape10, scale10
import genpkg.mod_03 as other


class Shape21(Shape10):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s21"

    def area(self) -> int:
        return super().area() + 21


def scale21(x: int) -> int:
    return scale10(x) + 21


def work21(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale21(k) + other.scale3(k)
    shapes: List[Shape21] = [Shape21(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report21() -> str:
    return "mod_21 " + str(work21(10)) + " " + Shape21(2).label()
