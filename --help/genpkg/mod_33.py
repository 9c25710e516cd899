"""Generated module 33 of 50."""
from typing import List

from genpkg.mod_16 import Shape16, scale16
import genpkg.mod_03 as other
from genpkg import mod_34 as fwd


class Shape33(Shape16):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s33"

    def area(self) -> int:
        return super().area() + 33


def scale33(x: int) -> int:
    return scale16(x) + 33


def work33(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale33(k) + other.scale3(k)
    total += fwd.scale34(1)
    shapes: List[Shape33] = [Shape33(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report33() -> str:
    return "mod_33 " + str(work33(10)) + " " + Shape33(2).label()
