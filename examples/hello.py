"""A small typed program: compile it with mypyc, then import it."""

from typing import List


def greet(name: str) -> str:
    return "Hello, " + name + "!"


def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def squares(n: int) -> List[int]:
    return [i * i for i in range(n)]


print(greet("mypyc"))
print("fib(25) =", fib(25))
print("squares:", squares(6))
