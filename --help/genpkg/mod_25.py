"""Generated module 25 of 50."""
from typing import List

from genpkg.mod_12 import Shape12, scale12
import genpkg.mod_03 as other


class Shape25(Shape12):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s25"

    def area(self) -> int:
        return super().area() + 25


def scale25(x: int) -> int:
    return scale12(x) + 25


def work25(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale25(k) + other.scale3(k)
    shapes: List[Shape25] = [Shape25(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report25() -> str:
    return "mod_25 " + str(work25(10)) + " " + Shape25(2).label()
