"""Generated module 48 of 50."""
from typing import List

from genpkg.mod_23 import Shape23, scale23
import genpkg.mod_03 as other


class Shape48(Shape23):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s48"

    def area(self) -> int:
        return super().area() + 48


def scale48(x: int) -> int:
    return scale23(x) + 48


def work48(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale48(k) + other.scale3(k)
    shapes: List[Shape48] = [Shape48(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report48() -> str:
    return "mod_48 " + str(work48(10)) + " " + Shape48(2).label()
