"""Generated module 5 of 50."""
from typing import List

from genpkg.mod_02 import Shape2, scale2
import genpkg.mod_03 as other


class Shape5(Shape2):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s5"

    def area(self) -> int:
        return super().area() + 5


def scale5(x: int) -> int:
    return scale2(x) + 5


def work5(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale5(k) + other.scale3(k)
    shapes: List[Shape5] = [Shape5(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report5() -> str:
    return "mod_05 " + str(work5(10)) + " " + Shape5(2).label()
