"""Generated module 14 of 50."""
from typing import List

from genpkg.mod_06 import Shape6, scale6
import genpkg.mod_03 as other
import genpkg.mod_13


class Shape14(Shape6):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s14"

    def area(self) -> int:
        return super().area() + 14


def scale14(x: int) -> int:
    return scale6(x) + 14


def work14(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale14(k) + other.scale3(k)
    total += genpkg.mod_13.scale13(2)
    shapes: List[Shape14] = [Shape14(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report14() -> str:
    return "mod_14 " + str(work14(10)) + " " + Shape14(2).label()
