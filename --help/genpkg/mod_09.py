"""Generated module 9 of 50."""
from typing import List

from genpkg.mod_04 import Shape4, scale4
import genpkg.mod_03 as other


class Shape9(Shape4):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s9"

    def area(self) -> int:
        return super().area() + 9


def scale9(x: int) -> int:
    return scale4(x) + 9


def work9(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale9(k) + other.scale3(k)
    shapes: List[Shape9] = [Shape9(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report9() -> str:
    return "mod_09 " + str(work9(10)) + " " + Shape9(2).label()
