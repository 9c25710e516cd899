"""Generated module 44 of 50."""
from typing import List

from genpkg.mod_21 import Shape21, scale21
import genpkg.mod_03 as other
import genpkg.mod_43


class Shape44(Shape21):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s44"

    def area(self) -> int:
        return super().area() + 44


def scale44(x: int) -> int:
    return scale21(x) + 44


def work44(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale44(k) + other.scale3(k)
    total += genpkg.mod_43.scale43(2)
    shapes: List[Shape44] = [Shape44(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report44() -> str:
    return "mod_44 " + str(work44(10)) + " " + Shape44(2).label()
