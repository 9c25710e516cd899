"""Generated module 1 of 50."""
from typing import List

from genpkg.mod_00 import Shape0, scale0


class Shape1(Shape0):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s1"

    def area(self) -> int:
        return super().area() + 1


def scale1(x: int) -> int:
    return scale0(x) + 1


def work1(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale1(k)
    shapes: List[Shape1] = [Shape1(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report1() -> str:
    return "mod_01 " + str(work1(10)) + " " + Shape1(2).label()
