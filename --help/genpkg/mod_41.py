"""Generated module 41 of 50."""
from typing import List

from genpkg.mod_20 import Shape20, scale20
import genpkg.mod_03 as other


class Shape41(Shape20):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s41"

    def area(self) -> int:
        return super().area() + 41


def scale41(x: int) -> int:
    return scale20(x) + 41


def work41(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale41(k) + other.scale3(k)
    shapes: List[Shape41] = [Shape41(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report41() -> str:
    return "mod_41 " + str(work41(10)) + " " + Shape41(2).label()
