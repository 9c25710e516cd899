"""Generated module 31 of 50."""
from typing import List

from genpkg.mod_15 import Shape15, scale15
import genpkg.mod_03 as other


class Shape31(Shape15):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s31"

    def area(self) -> int:
        return super().area() + 31


def scale31(x: int) -> int:
    return scale15(x) + 31


def work31(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale31(k) + other.scale3(k)
    shapes: List[Shape31] = [Shape31(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report31() -> str:
    return "mod_31 " + str(work31(10)) + " " + Shape31(2).label()
