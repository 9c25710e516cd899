"""Generated module 39 of 50."""
from typing import List

from genpkg.mod_19 import Shape19, scale19
import genpkg.mod_03 as other


class Shape39(Shape19):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s39"

    def area(self) -> int:
        return super().area() + 39


def scale39(x: int) -> int:
    return scale19(x) + 39


def work39(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale39(k) + other.scale3(k)
    shapes: List[Shape39] = [Shape39(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report39() -> str:
    return "mod_39 " + str(work39(10)) + " " + Shape39(2).label()
