"""Generated module 36 of 50."""
from typing import List

from genpkg.mod_17 import Shape17, scale17
import genpkg.mod_03 as other


class Shape36(Shape17):
    def __init__(self, n: int) -> None:
        super().__init__(n + 1)
        self.tag = "s36"

    def area(self) -> int:
        return super().area() + 36


def scale36(x: int) -> int:
    return scale17(x) + 36


def work36(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale36(k) + other.scale3(k)
    shapes: List[Shape36] = [Shape36(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report36() -> str:
    return "mod_36 " + str(work36(10)) + " " + Shape36(2).label()
