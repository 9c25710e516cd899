"""Generated module 7 of 50."""
from typing import List

from genpkg.mod_03 import Shape3, scale3
import genpkg.mod_03 as other


class Shape7(Shape3):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s7"

    def area(self) -> int:
        return super().area() + 7


def scale7(x: int) -> int:
    return scale3(x) + 7


def work7(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale7(k) + other.scale3(k)
    shapes: List[Shape7] = [Shape7(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report7() -> str:
    return "mod_07 " + str(work7(10)) + " " + Shape7(2).label()
