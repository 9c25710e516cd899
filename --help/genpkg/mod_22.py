"""Generated module 22 of 50."""
from typing import List

from genpkg.mod_10 import Shape10, scale10
import genpkg.mod_03 as other


class Shape22(Shape10):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s22"

    def area(self) -> int:
        return super().area() + 22


def scale22(x: int) -> int:
    return scale10(x) + 22


def work22(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale22(k) + other.scale3(k)
    shapes: List[Shape22] = [Shape22(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report22() -> str:
    return "mod_22 " + str(work22(10)) + " " + Shape22(2).label()
