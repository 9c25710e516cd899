"""Generated module 49 of 50."""
from typing import List

from genpkg.mod_24 import Shape24, scale24
import genpkg.mod_03 as other


class Shape49(Shape24):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s49"

    def area(self) -> int:
        return super().area() + 49


def scale49(x: int) -> int:
    return scale24(x) + 49


def work49(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale49(k) + other.scale3(k)
    shapes: List[Shape49] = [Shape49(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report49() -> str:
    return "mod_49 " + str(work49(10)) + " " + Shape49(2).label()
