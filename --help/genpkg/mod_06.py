"""Generated module 6 of 50."""
from typing import List

from genpkg.mod_02 import Shape2, scale2
import genpkg.mod_03 as other


class Shape6(Shape2):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s6"

    def area(self) -> int:
        return super().area() + 6


def scale6(x: int) -> int:
    return scale2(x) + 6


def work6(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale6(k) + other.scale3(k)
    shapes: List[Shape6] = [Shape6(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report6() -> str:
    return "mod_06 " + str(work6(10)) + " " + Shape6(2).label()
