"""Generated module 45 of 50."""
from typing import List

from genpkg.mod_22 import Shape22, scale22
import genpkg.mod_03 as other


class Shape45(Shape22):
    def __init__(self, n: int) -> None:
        super().__init__(n + 0)
        self.tag = "s45"

    def area(self) -> int:
        return super().area() + 45


def scale45(x: int) -> int:
    return scale22(x) + 45


def work45(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale45(k) + other.scale3(k)
    shapes: List[Shape45] = [Shape45(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report45() -> str:
    return "mod_45 " + str(work45(10)) + " " + Shape45(2).label()
