"""Generated module 23 of 50."""
from typing import List

from genpkg.mod_11 import Shape11, scale11
import genpkg.mod_03 as other
from genpkg import mod_24 as fwd


class Shape23(Shape11):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s23"

    def area(self) -> int:
        return super().area() + 23


def scale23(x: int) -> int:
    return scale11(x) + 23


def work23(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale23(k) + other.scale3(k)
    total += fwd.scale24(1)
    shapes: List[Shape23] = [Shape23(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report23() -> str:
    return "mod_23 " + str(work23(10)) + " " + Shape23(2).label()
