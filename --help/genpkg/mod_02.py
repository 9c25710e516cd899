"""Generated module 2 of 50."""
from typing import List

from genpkg.mod_00 import Shape0, scale0
import genpkg.mod_01 as other


class Shape2(Shape0):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s2"

    def area(self) -> int:
        return super().area() + 2


def scale2(x: int) -> int:
    return scale0(x) + 2


def work2(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale2(k) + other.scale1(k)
    shapes: List[Shape2] = [Shape2(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report2() -> str:
    return "mod_02 " + str(work2(10)) + " " + Shape2(2).label()
