"""Generated module 17 of 50."""
from typing import List

from genpkg.mod_08 import Shape8, scale8
import genpkg.mod_03 as other


class Shape17(Shape8):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s17"

    def area(self) -> int:
        return super().area() + 17


def scale17(x: int) -> int:
    return scale8(x) + 17


def work17(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale17(k) + other.scale3(k)
    shapes: List[Shape17] = [Shape17(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report17() -> str:
    return "mod_17 " + str(work17(10)) + " " + Shape17(2).label()
