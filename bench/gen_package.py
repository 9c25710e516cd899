"""Generate a package of N compiled modules for multi-module builds.

    python3 bench/gen_package.py OUT_DIR [N]   (N defaults to 50)

writes OUT_DIR/genpkg/: an __init__.py that imports every submodule
(relative imports) and defines main(), and mod_00.py ... mod_{N-1}.py. Module i:

- subclasses the Shape class of its parent module (i-1)//2 (so classes
  inherit across modules, several levels deep, with super() calls);
- calls its parent's scale function directly (from-import) and another
  module's through a module alias (import genpkg.mod_q as other);
- every tenth module (i % 10 == 3) imports the next module at top level
  while that one imports it back: an import cycle between compiled modules.

Running genpkg.main() prints one line per module; the output is the same
whether the package is interpreted or compiled in any mode.
"""

import os
import sys


def name(i: int) -> str:
    return "mod_%02d" % i


def module_source(i: int, n: int) -> str:
    lines = ['"""Generated module %d of %d."""' % (i, n), "from typing import List", ""]
    p = (i - 1) // 2
    q = (i * 7 + 3) % i if i > 1 else None
    if i > 0:
        lines.append("from genpkg.%s import Shape%d, scale%d" % (name(p), p, p))
    if q is not None:
        lines.append("import genpkg.%s as other" % name(q))
    cycle_next = i % 10 == 3 and i + 1 < n
    cycle_prev = i % 10 == 4
    if cycle_next:
        lines.append("from genpkg import %s as fwd" % name(i + 1))
    if cycle_prev:
        lines.append("import genpkg.%s" % name(i - 1))
    lines.append("")
    lines.append("")
    if i == 0:
        lines += [
            "class Shape0:",
            "    def __init__(self, n: int) -> None:",
            "        self.n = n",
            '        self.tag = "s0"',
            "",
            "    def area(self) -> int:",
            "        return self.n * self.n",
            "",
            "    def label(self) -> str:",
            '        return self.tag + ":" + str(self.area())',
            "",
            "",
            "def scale0(x: int) -> int:",
            "    return x * 3",
        ]
    else:
        lines += [
            "class Shape%d(Shape%d):" % (i, p),
            "    def __init__(self, n: int) -> None:",
            "        super().__init__(n + %d)" % (i % 5),
            '        self.tag = "s%d"' % i,
            "",
            "    def area(self) -> int:",
            "        return super().area() + %d" % i,
            "",
            "",
            "def scale%d(x: int) -> int:" % i,
            "    return scale%d(x) + %d" % (p, i),
        ]
    lines += ["", ""]
    lines.append("def work%d(n: int) -> int:" % i)
    lines.append("    total = 0")
    lines.append("    for k in range(n):")
    extra = " + other.scale%d(k)" % q if q is not None else ""
    lines.append("        total += scale%d(k)%s" % (i, extra))
    if cycle_next:
        lines.append("    total += fwd.scale%d(1)" % (i + 1))
    if cycle_prev:
        lines.append("    total += genpkg.%s.scale%d(2)" % (name(i - 1), i - 1))
    lines.append("    shapes: List[Shape%d] = [Shape%d(k) for k in range(3)]" % (i, i))
    lines.append("    for s in shapes:")
    lines.append("        total += s.area()")
    lines.append("    return total")
    lines += ["", ""]
    lines.append("def report%d() -> str:" % i)
    lines.append(
        '    return "%s " + str(work%d(10)) + " " + Shape%d(2).label()' % (name(i), i, i)
    )
    return "\n".join(lines) + "\n"


def init_source(n: int) -> str:
    lines = ['"""Generated package of %d modules."""' % n]
    for i in range(n):
        lines.append("from .%s import report%d" % (name(i), i))
    lines += ["", "", "def main() -> None:"]
    for i in range(n):
        lines.append("    print(report%d())" % i)
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) not in (2, 3) or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) == 3 else 50
    pkg = os.path.join(out, "genpkg")
    os.makedirs(pkg, exist_ok=True)
    with open(os.path.join(pkg, "__init__.py"), "w") as f:
        f.write(init_source(n))
    for i in range(n):
        with open(os.path.join(pkg, name(i) + ".py"), "w") as f:
            f.write(module_source(i, n))


if __name__ == "__main__":
    main()
