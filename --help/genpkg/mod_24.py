"""Generated module 24 of 50."""
from typing import List

from genpkg.mod_11 import Shape11, scale11
import genpkg.mod_03 as other
import genpkg.mod_23


class Shape24(Shape11):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s24"

    def area(self) -> int:
        return super().area() + 24


def scale24(x: int) -> int:
    return scale11(x) + 24


def work24(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale24(k) + other.scale3(k)
    total += genpkg.mod_23.scale23(2)
    shapes: List[Shape24] = [Shape24(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report24() -> str:
    return "mod_24 " + str(work24(10)) + " " + Shape24(2).label()
