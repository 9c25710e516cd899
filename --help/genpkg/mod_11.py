"""Generated module 11 of 50."""
from typing import List

from genpkg.mod_05 import Shape5, scale5
import genpkg.mod_03 as other


class Shape11(Shape5):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s11"

    def area(self) -> int:
        return super().area() + 11


def scale11(x: int) -> int:
    return scale5(x) + 11


def work11(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale11(k) + other.scale3(k)
    shapes: List[Shape11] = [Shape11(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report11() -> str:
    return "mod_11 " + str(work11(10)) + " " + Shape11(2).label()
