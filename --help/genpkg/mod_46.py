"""Generated module 46 of 50."""
from typing import List

from genpkg.mod_22 import Shape22, scale22
import genpkg.mod_03 as other


class Shape46(Shape22):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s46"

    def area(self) -> int:
        return super().area() + 46


def scale46(x: int) -> int:
    return scale22(x) + 46


def work46(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale46(k) + other.scale3(k)
    shapes: List[Shape46] = [Shape46(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report46() -> str:
    return "mod_46 " + str(work46(10)) + " " + Shape46(2).label()
