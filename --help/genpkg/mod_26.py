"""Generated module 26 of 50."""
from typing import List

from genpkg.mod_12 import Shape12, scale12
import genpkg.mod_03 as other


class Shape26(Shape12):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s26"

    def area(self) -> int:
        return super().area() + 26


def scale26(x: int) -> int:
    return scale12(x) + 26


def work26(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale26(k) + other.scale3(k)
    shapes: List[Shape26] = [Shape26(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report26() -> str:
    return "mod_26 " + str(work26(10)) + " " + Shape26(2).label()
