"""Generated module 34 of 50."""
from typing import List

from genpkg.mod_16 import Shape16, scale16
import genpkg.mod_03 as other
import genpkg.mod_33


class Shape34(Shape16):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s34"

    def area(self) -> int:
        return super().area() + 34


def scale34(x: int) -> int:
    return scale16(x) + 34


def work34(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale34(k) + other.scale3(k)
    total += genpkg.mod_33.scale33(2)
    shapes: List[Shape34] = [Shape34(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report34() -> str:
    return "mod_34 " + str(work34(10)) + " " + Shape34(2).label()
