#!/usr/bin/env python3
"""Compare the checker's library stubs with the running CPython.

A developer tool (like mypy's stubtest), run when a stub is written or
changed, not part of `cargo test`. For every stub module it reports:

- public runtime names the stub does not define (the checker would report
  a false "Module has no attribute" for them);
- names the stub defines that do not exist at runtime;
  (except those listed after an "# Added in Python 3.x" line);
- functions and methods whose parameters (names, kinds, which have
  defaults) differ from `inspect.signature` of the runtime object, where
  the runtime exposes a signature (`@overload` variants are not compared).

With `--missing-as-any` it prints `name: Any` lines for the missing names,
ready to paste into the stub's "other names" section.

Usage: python3 compiler/checker/stubs/check_stubs.py [--missing-as-any] [MODULE ...]
"""
import ast
import importlib
import inspect
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def stub_modules():
    out = []
    for root, _dirs, files in os.walk(HERE):
        for f in files:
            if f.endswith(".pyi"):
                rel = os.path.relpath(os.path.join(root, f), HERE)[:-4]
                name = rel.replace(os.sep, ".")
                out.append(name[: -len(".__init__")] if name.endswith(".__init__") else name)
    return sorted(out)


def stub_path(name):
    base = os.path.join(HERE, *name.split("."))
    return base + ".pyi" if os.path.exists(base + ".pyi") else os.path.join(base, "__init__.pyi")


def defined_names(body):
    names = {}
    for s in body:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[s.name] = s
        elif isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name):
            names[s.target.id] = s
        elif isinstance(s, ast.Assign):
            for t in s.targets:
                if isinstance(t, ast.Name):
                    names[t.id] = s
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            for a in s.names:
                names[(a.asname or a.name).split(".")[0]] = s
    return names


def is_placeholder(cls):
    """A class written `class C: ...`: only its name is known."""
    return len(cls.body) == 1 and isinstance(cls.body[0], ast.Expr)


def stub_params(fn):
    a = fn.args
    out = []
    defaults = [None] * (len(a.posonlyargs) + len(a.args) - len(a.defaults)) + list(a.defaults)
    for i, p in enumerate(a.posonlyargs + a.args):
        kind = "POSITIONAL_ONLY" if i < len(a.posonlyargs) else "POSITIONAL_OR_KEYWORD"
        out.append((p.arg, kind, defaults[i] is not None))
    if a.vararg:
        out.append((a.vararg.arg, "VAR_POSITIONAL", False))
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append((p.arg, "KEYWORD_ONLY", d is not None))
    if a.kwarg:
        out.append((a.kwarg.arg, "VAR_KEYWORD", False))
    return out


def runtime_params(obj):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [
        (p.name, p.kind.name, p.default is not inspect.Parameter.empty)
        for p in sig.parameters.values()
    ]


def is_overload(fn):
    return any(isinstance(d, ast.Name) and d.id == "overload" for d in fn.decorator_list)


def compare_function(where, fn, obj, is_method, problems):
    # Overload variants describe some calls each, not the whole signature.
    if is_overload(fn):
        return
    theirs = runtime_params(obj)
    if theirs is None:
        return
    ours = stub_params(fn)
    if [k for _, k, _ in ours] == ["VAR_POSITIONAL", "VAR_KEYWORD"]:
        return  # `(*args, **kwargs)`: deliberately unchecked
    if is_method and ours and not any(
        isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list
    ):
        ours = ours[1:]
        if theirs and theirs[0][0] in ("self", "cls"):
            theirs = theirs[1:]
    # Positional-only names do not matter to callers.
    norm = lambda ps: [(n if k != "POSITIONAL_ONLY" else "", k, d) for n, k, d in ps]
    if norm(ours) != norm(theirs):
        problems.append(f"{where}: stub {ours} != runtime {theirs}")


def check(name, missing_as_any):
    text = open(stub_path(name)).read()
    tree = ast.parse(text)
    # Names after an "# Added in Python 3.x" (or "# Not at runtime") line
    # exist only in later versions (or only for the checker).
    later = next(
        (i + 1 for i, l in enumerate(text.splitlines()) if l.startswith(("# Added in Python", "# Not at runtime"))),
        None,
    )
    mod = importlib.import_module(name)
    ours = defined_names(tree.body)
    problems = []
    public = [n for n in dir(mod) if not n.startswith("_")]
    missing = [n for n in public if n not in ours and n not in ("False", "None", "True")]
    for n, node in ours.items():
        if n.startswith("_") or isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if not hasattr(mod, n):
            if later is not None and node.lineno > later:
                continue
            problems.append(f"{name}.{n}: not at runtime")
            continue
        obj = getattr(mod, n)
        if isinstance(node, ast.FunctionDef):
            compare_function(f"{name}.{n}", node, obj, False, problems)
        elif isinstance(node, ast.ClassDef) and not is_placeholder(node):
            members = defined_names(node.body)
            for m in dir(obj):
                if not m.startswith("__") and m not in members:
                    problems.append(f"{name}.{n}.{m}: missing from stub")
            for m, mnode in members.items():
                if not hasattr(obj, m):
                    problems.append(f"{name}.{n}.{m}: not at runtime")
                elif isinstance(mnode, ast.FunctionDef):
                    compare_function(f"{name}.{n}.{m}", mnode, getattr(obj, m), True, problems)
    if missing_as_any:
        for n in missing:
            print(f"{n}: Any")
    else:
        for n in missing:
            problems.append(f"{name}.{n}: missing from stub")
    return problems


def main(argv):
    missing_as_any = "--missing-as-any" in argv
    names = [a for a in argv if not a.startswith("--")] or stub_modules()
    problems = []
    for n in names:
        problems += check(n, missing_as_any)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
