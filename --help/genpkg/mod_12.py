"""Generated module 12 of 50."""
from typing import List

from genpkg.mod_05 import Shape5, scale5
import genpkg.mod_03 as other


class Shape12(Shape5):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s12"

    def area(self) -> int:
        return super().area() + 12


def scale12(x: int) -> int:
    return scale5(x) + 12


def work12(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale12(k) + other.scale3(k)
    shapes: List[Shape12] = [Shape12(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report12() -> str:
    return "mod_12 " + str(work12(10)) + " " + Shape12(2).label()
