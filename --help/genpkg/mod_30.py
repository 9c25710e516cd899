"""Generated module 30 of 50."""
from typing import List

from genpkg.mod_14 import Shape14, scale14
import genpkg.mod_03 as other


class Shape30(Shape14):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s30"

    def area(self) -> int:
        return super().area() + 30


def scale30(x: int) -> int:
    return scale14(x) + 30


def work30(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale30(k) + other.scale3(k)
    shapes: List[Shape30] = [Shape30(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report30() -> str:
    return "mod_30 " + str(work30(10)) + " " + Shape30(2).label()
