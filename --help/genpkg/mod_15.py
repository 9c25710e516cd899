"""Generated module 15 of 50."""
from typing import List

from genpkg.mod_07 import Shape7, scale7
import genpkg.mod_03 as other


class Shape15(Shape7):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s15"

    def area(self) -> int:
        return super().area() + 15


def scale15(x: int) -> int:
    return scale7(x) + 15


def work15(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale15(k) + other.scale3(k)
    shapes: List[Shape15] = [Shape15(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report15() -> str:
    return "mod_15 " + str(work15(10)) + " " + Shape15(2).label()
