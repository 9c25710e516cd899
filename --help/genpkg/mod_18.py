"""Generated module 18 of 50."""
from typing import List

from genpkg.mod_08 import Shape8, scale8
import genpkg.mod_03 as other


class Shape18(Shape8):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s18"

    def area(self) -> int:
        return super().area() + 18


def scale18(x: int) -> int:
    return scale8(x) + 18


def work18(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale18(k) + other.scale3(k)
    shapes: List[Shape18] = [Shape18(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report18() -> str:
    return "mod_18 " + str(work18(10)) + " " + Shape18(2).label()
