"""Generated module 10 of 50."""
from typing import List

from genpkg.mod_04 import Shape4, scale4
import genpkg.mod_03 as other


class Shape10(Shape4):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s10"

    def area(self) -> int:
        return super().area() + 10


def scale10(x: int) -> int:
    return scale4(x) + 10


def work10(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale10(k) + other.scale3(k)
    shapes: List[Shape10] = [Shape10(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report10() -> str:
    return "mod_10 " + str(work10(10)) + " " + Shape10(2).label()
