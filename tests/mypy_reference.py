#!/usr/bin/env python3
"""Compare the expectations of test-data/check-*.test with the real mypy.

A developer tool, not part of `cargo test` (the project must not depend on
mypy): for every case it writes the modules to a temporary directory, runs
`python3 -m mypy --check-untyped-defs` on them and prints the cases whose
inline `# E:`/`# N:` expectations differ from mypy's output.

Usage: python3 tests/mypy_reference.py [test-data/check-foo.test ...]
"""
import glob
import os
import re
import subprocess
import sys
import tempfile


def cases(path):
    name, lines = None, []
    for line in open(path).read().split("\n"):
        m = re.match(r"^\[case (\w+)", line)
        if m:
            if name:
                yield name, lines
            name, lines = m.group(1), []
        elif name and not line.startswith("--"):
            lines.append(line)
    if name:
        yield name, lines


def split_files(lines):
    files, cur, out = {"main.py": []}, "main.py", False
    outs = []
    for line in lines:
        m = re.match(r"^\[file (.+)\]$", line)
        if m:
            cur, out = m.group(1), False
            files[cur] = []
        elif line.startswith("[out"):
            out = True
        elif out:
            if line.strip():
                outs.append(line)
        else:
            files[cur].append(line)
    return files, outs


def expected(files, outs):
    exp = list(outs)
    for fname, lines in files.items():
        mod = "main" if fname == "main.py" else fname
        for i, line in enumerate(lines, 1):
            for kind, msg in re.findall(r"# ([EN]): (.*?)(?= # [EN]: |$)", line):
                exp.append(f"{mod}:{i}: {'error' if kind == 'E' else 'note'}: {msg.rstrip()}")
    return sorted(exp)


def actual(files):
    with tempfile.TemporaryDirectory() as d:
        for fname, lines in files.items():
            p = os.path.join(d, fname)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").write("\n".join(lines) + "\n")
        r = subprocess.run(
            [sys.executable, "-m", "mypy", "--check-untyped-defs", "--show-error-codes",
             "--no-error-summary", "--no-incremental", "--python-version", "3.11", "main.py"],
            cwd=d, capture_output=True, text=True)
        out = []
        for line in r.stdout.splitlines():
            line = re.sub(r"^main\.py:", "main:", line)
            out.append(line)
        return sorted(out)


def main():
    paths = sys.argv[1:] or sorted(glob.glob("test-data/check-*.test"))
    bad = 0
    for path in paths:
        for name, lines in cases(path):
            files, outs = split_files(lines)
            e, a = expected(files, outs), actual(files)
            if e != a:
                bad += 1
                print(f"{path}::{name}\n  expected:\n    " + "\n    ".join(e)
                      + "\n  mypy:\n    " + "\n    ".join(a))
    print(f"{bad} case(s) differ from mypy")


if __name__ == "__main__":
    main()
