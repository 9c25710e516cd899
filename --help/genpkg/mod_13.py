"""Generated module 13 of 50."""
from typing import List

from genpkg.mod_06 import Shape6, scale6
import genpkg.mod_03 as other
from genpkg import mod_14 as fwd


class Shape13(Shape6):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s13"

    def area(self) -> int:
        return super().area() + 13


def scale13(x: int) -> int:
    return scale6(x) + 13


def work13(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale13(k) + other.scale3(k)
    total += fwd.scale14(1)
    shapes: List[Shape13] = [Shape13(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report13() -> str:
    return "mod_13 " + str(work13(10)) + " " + Shape13(2).label()
