"""Generated module 3 of 50."""
from typing import List

from genpkg.mod_01 import Shape1, scale1
import genpkg.mod_00 as other
from genpkg import mod_04 as fwd


class Shape3(Shape1):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s3"

    def area(self) -> int:
        return super().area() + 3


def scale3(x: int) -> int:
    return scale1(x) + 3


def work3(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale3(k) + other.scale0(k)
    total += fwd.scale4(1)
    shapes: List[Shape3] = [Shape3(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report3() -> str:
    return "mod_03 " + str(work3(10)) + " " + Shape3(2).label()
