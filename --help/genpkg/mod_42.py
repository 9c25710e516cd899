"""Generated module 42 of 50."""
from typing import List

from genpkg.mod_20 import Shape20, scale20
import genpkg.mod_03 as other


class Shape42(Shape20):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s42"

    def area(self) -> int:
        return super().area() + 42


def scale42(x: int) -> int:
    return scale20(x) + 42


def work42(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale42(k) + other.scale3(k)
    shapes: List[Shape42] = [Shape42(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report42() -> str:
    return "mod_42 " + str(work42(10)) + " " + Shape42(2).label()
