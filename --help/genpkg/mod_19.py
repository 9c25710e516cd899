"""Generated module 19 of 50."""
from typing import List

from genpkg.mod_09 import Shape9, scale9
import genpkg.mod_03 as other


class Shape19(Shape9):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s19"

    def area(self) -> int:
        return super().area() + 19


def scale19(x: int) -> int:
    return scale9(x) + 19


def work19(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale19(k) + other.scale3(k)
    shapes: List[Shape19] = [Shape19(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report19() -> str:
    return "mod_19 " + str(work19(10)) + " " + Shape19(2).label()
