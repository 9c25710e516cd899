"""Benchmark: naive recursive Fibonacci (call overhead, small-int arithmetic)."""


def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main(n: int = 27) -> int:
    return fib(n)
