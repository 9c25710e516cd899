"""Generated module 47 of 50."""
from typing import List

from genpkg.mod_23 import Shape23, scale23
import genpkg.mod_03 as other


class Shape47(Shape23):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s47"

    def area(self) -> int:
        return super().area() + 47


def scale47(x: int) -> int:
    return scale23(x) + 47


def work47(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale47(k) + other.scale3(k)
    shapes: List[Shape47] = [Shape47(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report47() -> str:
    return "mod_47 " + str(work47(10)) + " " + Shape47(2).label()
