"""Generated module 35 of 50."""
from typing import List

from genpkg.mod_17 import Shape17, scale17
import genpkg.mod_03 as other


class Shape35(Shape17):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s35"

    def area(self) -> int:
        return super().area() + 35


def scale35(x: int) -> int:
    return scale17(x) + 35


def work35(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale35(k) + other.scale3(k)
    shapes: List[Shape35] = [Shape35(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report35() -> str:
    return "mod_35 " + str(work35(10)) + " " + Shape35(2).label()
