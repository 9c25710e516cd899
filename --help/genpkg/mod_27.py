"""Generated module 27 of 50."""
from typing import List

from genpkg.mod_13 import Shape13, scale13
import genpkg.mod_03 as other


class Shape27(Shape13):
    def __init__(self, n: int) -> None:
        super().__init__(n + 2)
        self.tag = "s27"

    def area(self) -> int:
        return super().area() + 27


def scale27(x: int) -> int:
    return scale13(x) + 27


def work27(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale27(k) + other.scale3(k)
    shapes: List[Shape27] = [Shape27(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report27() -> str:
    return "mod_27 " + str(work27(10)) + " " + Shape27(2).label()
