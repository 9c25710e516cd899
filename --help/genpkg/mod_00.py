"""Generated module 0 of 50."""
from typing import List



class Shape0:
    def __init__(self, n: int) -> None:
        self.n = n
        self.tag = "s0"

    def area(self) -> int:
        return self.n * self.n

    def label(self) -> str:
        return self.tag + ":" + str(self.area())


def scale0(x: int) -> int:
    return x * 3


def work0(n: int) -> int:
    total = 0
    for k in range(n):
        total += scale0(k)
    shapes: List[Shape0] = [Shape0(k) for k in range(3)]
    for s in shapes:
        total += s.area()
    return total


def report0() -> str:
    return "mod_00 " + str(work0(10)) + " " + Shape0(2).label()
