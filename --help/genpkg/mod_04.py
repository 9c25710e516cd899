"""Generated module 4 of 50."""
from typing import List

from genpkg.mod_01 import Shape1, scale1
import genpkg.mod_03 as other
import genpkg.mod_03


class Shape4(Shape1):
    def __init__(self, n: int) -> None:
        super().__init__(n + 4)
        self.tag = "s4"

    def area(self) -> int:
        return super().area() + 4


def scale4(x: int) -> int:
    return scale1(x) + 4


def work4(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale4(k) + other.scale3(k)
    total += genpkg.mod_03.scale3(2)
    shapes: List[Shape4] = [Shape4(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report4() -> str:
    return "mod_04 " + str(work4(10)) + " " + Shape4(2).label()
