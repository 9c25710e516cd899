"""Benchmark: a tight numeric loop (int and float arithmetic, branches)."""


def collatz_steps(n: int) -> int:
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def leibniz_pi(terms: int) -> float:
    total = 0.0
    sign = 1.0
    for k in range(terms):
        total += sign / (2 * k + 1)
        sign = -sign
    return 4.0 * total


def main(n: int = 200000) -> int:
    longest = 0
    for i in range(1, n // 4):
        s = collatz_steps(i)
        if s > longest:
            longest = s
    pi = leibniz_pi(n)
    return longest + int(pi)
