#!/bin/sh
# Type-checking speed: generate a ~5,000-line typed program (classes,
# methods, Optional narrowing, calls with checked arguments, loops) and time
# `mypyc --check-only` on it. A benchmark, not a test: the goal is well
# under a second.
#
# Usage: bench/check_speed.sh [MYPYC_BINARY] [UNITS]
set -eu
MYPYC=${1:-${CARGO_TARGET_DIR:-target}/release/mypyc}
UNITS=${2:-200}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 - "$DIR/bench_check.py" "$UNITS" <<'PY'
import sys
path, units = sys.argv[1], int(sys.argv[2])
out = ["from typing import Dict, List, Optional", ""]
for i in range(units):
    out += f'''
class Node{i}:
    def __init__(self, value: int, label: str) -> None:
        self.value = value
        self.label = label
        self.next: Optional["Node{i}"] = None

    def total(self) -> int:
        node: Optional[Node{i}] = self
        acc = 0
        while node is not None:
            acc += node.value
            node = node.next
        return acc


def build{i}(items: List[int], names: Dict[int, str]) -> Optional[Node{i}]:
    head: Optional[Node{i}] = None
    for x in items:
        label = names.get(x, "none")
        n = Node{i}(x * 2 + 1, label.upper())
        n.next = head
        head = n
    if head is None:
        return None
    return head


def use{i}(k: int) -> int:
    head = build{i}([k, k + 1, k + 2], {{k: "a"}})
    if head is not None and head.total() > 0:
        return head.total() + len(head.label)
    return 0
'''.split("\n")
open(path, "w").write("\n".join(out) + "\n")
print(f"{len(out)} lines", file=sys.stderr)
PY
# Warm the file cache, then time the check.
"$MYPYC" --check-only "$DIR/bench_check.py"
START=$(date +%s.%N)
"$MYPYC" --check-only "$DIR/bench_check.py"
END=$(date +%s.%N)
echo "check-only: $(echo "$END - $START" | bc) s" >&2
