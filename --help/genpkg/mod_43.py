"""Generated module 43 of 50."""
from typing import List

from genpkg.mod_21 import Shape21, scale21
import genpkg.mod_03 as other
from genpkg import mod_44 as fwd


class Shape43(Shape21):
    def __init__(self, n: int) -> None:
        super().__init__(n + 3)
        self.tag = "s43"

    def area(self) -> int:
        return super().area() + 43


def scale43(x: int) -> int:
    return scale21(x) + 43


def work43(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale43(k) + other.scale3(k)
    total += fwd.scale44(1)
    shapes: List[Shape43] = [Shape43(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report43() -> str:
    return "mod_43 " + str(work43(10)) + " " + Shape43(2).label()
