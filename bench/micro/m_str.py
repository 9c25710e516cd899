"""String operations: membership, methods, formatting, conversion, slicing."""

from typing import List


def _words() -> List[str]:
    return ["apple", "banana", "cherry", "date", "elderberry", "fig", "grape", "honeydew"]


def bench_str_contains() -> int:
    text = "the quick brown fox jumps over the lazy dog " * 3
    needles = ["fox", "cat", "lazy", "dog ", "bird", "the q", "zz", "over"]
    hits = 0
    for i in range(390000):
        if needles[i & 7] in text:
            hits += 1
    return hits


def bench_str_iter() -> int:
    text = "abcdefghijklmnopqrstuvwxyz0123456789" * 10
    total = 0
    for _ in range(5100):
        for c in text:
            if c == "e":
                total += 1
    return total


def bench_str_concat() -> int:
    total = 0
    for i in range(210000):
        s = "item-" + str(i & 255) + "-end"
        total += len(s)
    return total


def bench_str_concat_accumulate() -> int:
    total = 0
    for _ in range(11000):
        s = ""
        for j in range(100):
            s += "x"
        total += len(s)
    return total


def bench_str_join() -> int:
    parts = _words()
    total = 0
    for _ in range(250000):
        s = ", ".join(parts)
        total += len(s)
    return total


def bench_str_split() -> int:
    line = "alpha beta gamma delta epsilon zeta eta theta iota kappa"
    total = 0
    for _ in range(41000):
        parts = line.split()
        total += len(parts)
        fields = line.split("a")
        total += len(fields)
    return total


def bench_str_startswith() -> int:
    words = _words()
    hits = 0
    for i in range(300000):
        w = words[i & 7]
        if w.startswith("ba") or w.endswith("y"):
            hits += 1
    return hits


def bench_str_strip() -> int:
    words = ["  padded  ", "\tx\n", "none", "   left", "right   ", " a b "]
    total = 0
    for i in range(420000):
        total += len(words[i % 6].strip())
    return total


def bench_str_replace() -> int:
    text = "one two three two one two"
    total = 0
    for _ in range(270000):
        total += len(text.replace("two", "2"))
    return total


def bench_str_upper_lower() -> int:
    words = _words()
    total = 0
    for i in range(150000):
        w = words[i & 7]
        total += ord(w.upper()[0]) + ord(w.lower()[-1])
    return total


def bench_str_find() -> int:
    text = "find the needle in this haystack of text, needle again"
    total = 0
    for i in range(250000):
        total += text.find("needle", i & 31)
    return total


def bench_str_fstring() -> int:
    total = 0
    for i in range(180000):
        s = f"{i}:{i & 15}-x"
        total += len(s)
    return total


def bench_str_percent_format() -> int:
    total = 0
    for i in range(120000):
        s = "%d:%s" % (i, "ab")
        total += len(s)
    return total


def bench_str_format_method() -> int:
    total = 0
    for i in range(140000):
        s = "{}-{}".format(i, "cd")
        total += len(s)
    return total


def bench_str_from_int() -> int:
    total = 0
    for i in range(310000):
        total += len(str(i))
    return total


def bench_str_ord() -> int:
    text = "Hello, World! 0123456789 abcdefghijklmnopqrstuvwxyz" * 4
    total = 0
    for _ in range(3800):
        for c in text:
            total += ord(c)
    return total


def bench_str_chr() -> int:
    total = 0
    for i in range(420000):
        c = chr(65 + (i % 58))
        total += len(c)
    return total


def bench_str_slice() -> int:
    text = "abcdefghijklmnopqrstuvwxyz0123456789"
    total = 0
    for i in range(250000):
        j = i % 20
        total += len(text[j:j + 8])
    return total


def bench_str_index() -> int:
    text = "abcdefghijklmnopqrstuvwxyz0123456789"
    hits = 0
    for i in range(740000):
        if text[i % 36] == "q":
            hits += 1
    return hits


def bench_str_equality() -> int:
    words = _words()
    probe = "cher" + "ry"
    hits = 0
    for i in range(980000):
        if words[i & 7] == probe:
            hits += 1
    return hits
