"""Generated module 20 of 50."""
from typing import List

from genpkg.mod_09 import Shape9, scale9
import genpkg.mod_03 as other


class Shape20(Shape9):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s20"

    def area(self) -> int:
        return super().area() + 20


def scale20(x: int) -> int:
    return scale9(x) + 20


def work20(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale20(k) + other.scale3(k)
    shapes: List[Shape20] = [Shape20(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report20() -> str:
    return "mod_20 " + str(work20(10)) + " " + Shape20(2).label()
