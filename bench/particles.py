"""Benchmark: native classes — a particle simulation (attribute reads and
writes, method calls through the vtable, construction) and a linked list."""

from typing import List, Optional


class Vec:
    def __init__(self, x: float, y: float) -> None:
        self.x = x
        self.y = y

    def add_scaled(self, other: "Vec", k: float) -> None:
        self.x += other.x * k
        self.y += other.y * k

    def dot(self, other: "Vec") -> float:
        return self.x * other.x + self.y * other.y


class Particle:
    def __init__(self, i: int) -> None:
        self.pos = Vec(float(i % 17), float(i % 13))
        self.vel = Vec(float(i % 5) - 2.0, float(i % 7) - 3.0)
        self.bounces = 0

    def step(self, dt: float) -> None:
        self.pos.add_scaled(self.vel, dt)
        if self.pos.x < 0.0 or self.pos.x > 100.0:
            self.vel.x = -self.vel.x
            self.bounces += 1
        if self.pos.y < 0.0 or self.pos.y > 100.0:
            self.vel.y = -self.vel.y
            self.bounces += 1

    def energy(self) -> float:
        return 0.5 * self.vel.dot(self.vel)


class Node:
    def __init__(self, value: int, next: Optional["Node"]) -> None:
        self.value = value
        self.next = next


def simulate(n: int, steps: int) -> int:
    ps: List[Particle] = [Particle(i) for i in range(n)]
    for _ in range(steps):
        for p in ps:
            p.step(0.1)
    total = 0
    e = 0.0
    for p in ps:
        total += p.bounces
        e += p.energy()
    return total + int(e)


def linked(n: int) -> int:
    head: Optional[Node] = None
    for i in range(n):
        head = Node(i, head)
    total = 0
    node = head
    while node is not None:
        total += node.value
        node = node.next
    return total


def main(n: int = 200000) -> int:
    return simulate(n // 100, 200) + linked(n) % 1000
