"""Generated module 28 of 50."""
from typing import List

from genpkg.mod_13 import Shape13, scale13
import genpkg.mod_03 as other


class Shape28(Shape13):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s28"

    def area(self) -> int:
        return super().area() + 28


def scale28(x: int) -> int:
    return scale13(x) + 28


def work28(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale28(k) + other.scale3(k)
    shapes: List[Shape28] = [Shape28(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report28() -> str:
    return "mod_28 " + str(work28(10)) + " " + Shape28(2).label()
