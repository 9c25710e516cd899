"""Generated module 40 of 50."""
from typing import List

from genpkg.mod_19 import Shape19, scale19
import genpkg.mod_03 as other


class Shape40(Shape19):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s40"

    def area(self) -> int:
        return super().area() + 40


def scale40(x: int) -> int:
    return scale19(x) + 40


def work40(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale40(k) + other.scale3(k)
    shapes: List[Shape40] = [Shape40(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report40() -> str:
    return "mod_40 " + str(work40(10)) + " " + Shape40(2).label()
