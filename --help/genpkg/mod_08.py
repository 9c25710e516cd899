"""Generated module 8 of 50."""
from typing import List

from genpkg.mod_03 import Shape3, scale3
import genpkg.mod_03 as other


class Shape8(Shape3):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s8"

    def area(self) -> int:
        return super().area() + 8


def scale8(x: int) -> int:
    return scale3(x) + 8


def work8(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale8(k) + other.scale3(k)
    shapes: List[Shape8] = [Shape8(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report8() -> str:
    return "mod_08 " + str(work8(10)) + " " + Shape8(2).label()
