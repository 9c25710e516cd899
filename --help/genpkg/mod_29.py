"""Generated module 29 of 50."""
from typing import List

from genpkg.mod_14 import Shape14, scale14
import genpkg.mod_03 as other


class Shape29(Shape14):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s29"

    def area(self) -> int:
        return super().area() + 29


def scale29(x: int) -> int:
    return scale14(x) + 29


def work29(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale29(k) + other.scale3(k)
    shapes: List[Shape29] = [Shape29(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report29() -> str:
    return "mod_29 " + str(work29(10)) + " " + Shape29(2).label()
