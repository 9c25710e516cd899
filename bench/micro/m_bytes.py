"""Bytes operations: split, join, slicing, indexing, len, concatenation."""

from typing import List


def bench_bytes_split() -> int:
    data = b"GET /index.html HTTP/1.1 host example.org accept */*"
    total = 0
    for _ in range(120000):
        parts = data.split(b" ")
        total += len(parts)
    return total


def bench_bytes_join() -> int:
    parts: List[bytes] = [b"alpha", b"beta", b"gamma", b"delta", b"epsilon"]
    total = 0
    for _ in range(320000):
        total += len(b",".join(parts))
    return total


def bench_bytes_slice() -> int:
    data = bytes(range(64))
    total = 0
    for i in range(250000):
        j = i & 31
        total += len(data[j:j + 16])
    return total


def bench_bytes_index() -> int:
    data = bytes(range(256))
    total = 0
    for _ in range(3900):
        for i in range(256):
            total += data[i]
    return total


def bench_bytes_len() -> int:
    blobs = [b"x" * i for i in range(16)]
    total = 0
    for i in range(760000):
        total += len(blobs[i & 15])
    return total


def bench_bytes_concat() -> int:
    head = b"HDR:"
    total = 0
    for i in range(280000):
        msg = head + b"payload" + b"\r\n"
        total += len(msg) + (i & 1)
    return total


def bench_bytes_iter() -> int:
    data = bytes(range(200))
    total = 0
    for _ in range(8100):
        for b in data:
            total += b
    return total
