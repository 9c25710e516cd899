"""Generated module 38 of 50."""
from typing import List

from genpkg.mod_18 import Shape18, scale18
import genpkg.mod_03 as other


class Shape38(Shape18):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s38"

    def area(self) -> int:
        return super().area() + 38


def scale38(x: int) -> int:
    return scale18(x) + 38


def work38(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale38(k) + other.scale3(k)
    shapes: List[Shape38] = [Shape38(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report38() -> str:
    return "mod_38 " + str(work38(10)) + " " + Shape38(2).label()
