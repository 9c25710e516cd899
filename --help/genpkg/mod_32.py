"""Generated module 32 of 50."""
from typing import List

from genpkg.mod_15 import Shape15, scale15
import genpkg.mod_03 as other


class Shape32(Shape15):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s32"

    def area(self) -> int:
        return super().area() + 32


def scale32(x: int) -> int:
    return scale15(x) + 32


def work32(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale32(k) + other.scale3(k)
    shapes: List[Shape32] = [Shape32(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report32() -> str:
    return "mod_32 " + str(work32(10)) + " " + Shape32(2).label()
