"""Generated module 37 of 50."""
from typing import List

from genpkg.mod_18 import Shape18, scale18
import genpkg.mod_03 as other


class Shape37(Shape18):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s37"

    def area(self) -> int:
        return super().area() + 37


def scale37(x: int) -> int:
    return scale18(x) + 37


def work37(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale37(k) + other.scale3(k)
    shapes: List[Shape37] = [Shape37(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report37() -> str:
    return "mod_37 " + str(work37(10)) + " " + Shape37(2).label()
