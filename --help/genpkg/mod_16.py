"""Generated module 16 of 50."""
from typing import List

from genpkg.mod_07 import Shape7, scale7
import genpkg.mod_03 as other


class Shape16(Shape7):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s16"

    def area(self) -> int:
        return super().area() + 16


def scale16(x: int) -> int:
    return scale7(x) + 16


def work16(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale16(k) + other.scale3(k)
    shapes: List[Shape16] = [Shape16(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report16() -> str:
    return "mod_16 " + str(work16(10)) + " " + Shape16(2).label()
