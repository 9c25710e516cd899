"""Tests for the C runtime (lib-rt), run by run.sh against the _cpyrt_test
extension. Each helper is compared with what the interpreter itself does for
the same operation: values, exception types and exception messages."""

import itertools
import math
import sys
import traceback
import unittest

import _cpyrt_test as rt

MAX = rt.TAGGED_MAX
MIN = rt.TAGGED_MIN
WORD = MAX.bit_length() + 1  # bits in a tagged word's value range

BOUNDARY_INTS = sorted(
    {
        0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 255, 2**31, -(2**31),
        MAX, MAX - 1, MIN, MIN + 1, MAX + 1, MIN - 1,
        2**62, -(2**62), 2**63, -(2**63), 2**63 - 1, 2**64, -(2**64),
        2**64 + 1, 3**50, -(3**50), 2**100, -(2**100),
    }
)


def outcome(fn, *args, **kwargs):
    """('ok', value) or ('err', exception type, message)."""
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return ("err", type(e), str(e))


SSIZE_MAX = 2**63 - 1


def index_outcome(fn, i):
    """What indexing with `i` gives in mypyc: the interpreter's outcome,
    except that an index beyond Py_ssize_t is an OverflowError."""
    if not -SSIZE_MAX - 1 <= i <= SSIZE_MAX:
        return ("err", OverflowError, "Python int too large to convert to C ssize_t")
    return outcome(fn)


def is_short(v):
    return MIN <= v <= MAX


def same_float(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b and type(a) is type(b)


PY_INT_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "&": lambda a, b: a & b,
    "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
    "<<": lambda a, b: a << b,
    ">>": lambda a, b: a >> b,
}


class TaggedIntTests(unittest.TestCase):
    def check_tagged(self, got, expected):
        """got is rt's (value, is_short) outcome; expected a Python outcome."""
        if expected[0] == "err":
            self.assertEqual(got, expected)
            return
        self.assertEqual(got[0], "ok", got)
        value, short = got[1]
        self.assertEqual(value, expected[1])
        self.assertIs(type(value), int)
        self.assertEqual(short, is_short(value), value)

    def test_binary_ops_at_boundaries(self):
        for op, fn in PY_INT_OPS.items():
            for a, b in itertools.product(BOUNDARY_INTS, repeat=2):
                if op == "<<" and b > 200:
                    continue
                with self.subTest(a=a, op=op, b=b):
                    self.check_tagged(outcome(rt.int_binop, op, a, b), outcome(fn, a, b))

    def test_small_range_exhaustive(self):
        for op, fn in PY_INT_OPS.items():
            for a in range(-20, 21):
                for b in range(-20, 21):
                    if op == "<<" and b > 70:
                        continue
                    self.check_tagged(outcome(rt.int_binop, op, a, b), outcome(fn, a, b))

    def test_floor_div_mod_signs(self):
        cases = [(7, 2, 3, 1), (-7, 2, -4, 1), (7, -2, -4, -1), (-7, -2, 3, -1),
                 (MIN, -1, -MIN, 0), (MIN, 1, MIN, 0), (-1, MAX, -1, MAX - 1)]
        for a, b, q, r in cases:
            self.assertEqual(rt.int_binop("//", a, b)[0], q)
            self.assertEqual(rt.int_binop("%", a, b)[0], r)
        self.assertEqual(rt.int_binop("//", MIN, -1), (MAX + 1, False))

    def test_division_by_zero_messages(self):
        for op, fn in (("//", lambda a, b: a // b), ("%", lambda a, b: a % b),
                       ("/", lambda a, b: a / b)):
            for a in (0, 5, -5, 2**70):
                for zero in (0,):
                    self.assertEqual(outcome(rt.int_binop, op, a, zero), outcome(fn, a, zero))

    def test_shifts(self):
        for a in (1, -1, 3, -3, MAX, MIN, 2**70, -(2**70)):
            for n in (0, 1, 2, WORD - 2, WORD - 1, WORD, WORD + 1, 64, 100, 1000):
                with self.subTest(a=a, n=n):
                    self.check_tagged(outcome(rt.int_binop, ">>", a, n), outcome(lambda: a >> n))
                    if n <= 200:
                        self.check_tagged(outcome(rt.int_binop, "<<", a, n),
                                          outcome(lambda: a << n))
        self.assertEqual(outcome(rt.int_binop, "<<", 1, -1),
                         ("err", ValueError, "negative shift count"))
        self.assertEqual(outcome(rt.int_binop, ">>", 1, -1),
                         ("err", ValueError, "negative shift count"))
        self.assertEqual(rt.int_binop(">>", 1, 2**80), (0, True))
        self.assertEqual(rt.int_binop(">>", -1, 2**80), (-1, True))

    def test_unary(self):
        for a in BOUNDARY_INTS:
            self.check_tagged(outcome(rt.int_unop, "-", a), ("ok", -a))
            self.check_tagged(outcome(rt.int_unop, "~", a), ("ok", ~a))
            self.check_tagged(outcome(rt.int_unop, "abs", a), ("ok", abs(a)))

    def test_power(self):
        for a in (0, 1, -1, 2, -3, 10, 2**40):
            for b in (0, 1, 2, 3, 10, 70, -1, -2):
                with self.subTest(a=a, b=b):
                    got = outcome(rt.int_binop, "**", a, b)
                    expected = outcome(lambda: a**b)
                    if expected[0] == "ok":
                        self.assertEqual(got[0], "ok")
                        self.assertTrue(same_float(got[1], expected[1]), (got, expected))
                    else:
                        self.assertEqual(got, expected)

    def test_true_divide(self):
        vals = [1, -1, 3, 7, -7, 10, 2**53 + 1, MAX, MIN, 2**80 + 1, -(2**80)]
        for a, b in itertools.product(vals, repeat=2):
            self.assertEqual(rt.int_binop("/", a, b), a / b, (a, b))
        self.assertEqual(outcome(rt.int_binop, "/", 10**400, 1),
                         outcome(lambda: 10**400 / 1))

    def test_comparisons(self):
        for a, b in itertools.product(BOUNDARY_INTS, repeat=2):
            expected = (a == b, a != b, a < b, a <= b, a > b, a >= b)
            self.assertEqual(rt.int_compare(a, b), tuple(int(x) for x in expected), (a, b))
        # Equal boxed values held in distinct objects.
        x, y = 2**100, int("1" + "0" * 30)
        y = y - 10**30 + 2**100
        self.assertIsNot(x, y)
        self.assertEqual(rt.int_compare(x, y), (1, 0, 0, 1, 0, 1))

    def test_conversions(self):
        for v in BOUNDARY_INTS:
            self.assertEqual(rt.int_convert("from_any", v), (v, is_short(v)))
            self.assertEqual(rt.int_convert("steal", v), (v, is_short(v)))
            self.assertEqual(rt.int_convert("str", v), str(v))
            self.assertEqual(rt.int_convert("as_object", v), v)
            self.assertEqual(outcome(rt.int_convert, "as_double", v), outcome(float, v))
            self.assertEqual(rt.int_convert("from_str", str(v)), (v, is_short(v)))
            if -(2**63) <= v < 2**63:
                self.assertEqual(rt.int_convert("from_ssize_t", v), (v, is_short(v)))
                self.assertEqual(rt.int_convert("from_int64", v), (v, is_short(v)))
                self.assertEqual(rt.int_convert("as_ssize_t", v), v)
            else:
                self.assertEqual(outcome(rt.int_convert, "as_ssize_t", v)[:2],
                                 ("err", OverflowError))
        self.assertEqual(outcome(rt.int_convert, "as_double", 10**400),
                         outcome(float, 10**400))

    def test_from_any_and_strings(self):
        for o in (True, 3.9, -3.9, " 42 ", "1_000", b"17"[0], 2.0**70):
            expected = int(o)
            self.assertEqual(rt.int_convert("from_any", o), (expected, is_short(expected)))
        for bad in ("x", "1.5", None, [1]):
            self.assertEqual(outcome(rt.int_convert, "from_any", bad), outcome(int, bad))
        self.assertEqual(outcome(rt.int_convert, "from_str", "12a"), outcome(int, "12a"))
        self.assertEqual(rt.int_convert("from_str_base", "ff", 16), (255, True))
        self.assertEqual(rt.int_convert("from_str_base", "0x" + "f" * 30, 0),
                         (16**30 - 1, False))
        for base in (1, 37, -5):
            self.assertEqual(outcome(rt.int_convert, "from_str_base", "1", base),
                             outcome(int, "1", base))

    def test_from_float(self):
        for d in (0.0, -0.0, 1.9, -1.9, 2.0**61, -(2.0**61), 2.0**62, -(2.0**62),
                  2.0**63, 2.0**64, -(2.0**64), 1e300):
            self.assertEqual(rt.int_convert("from_float", d), (int(d), is_short(int(d))))
        for d in (math.inf, -math.inf, math.nan):
            self.assertEqual(outcome(rt.int_convert, "from_float", d), outcome(int, d))

    def test_slice_index_clamps(self):
        self.assertEqual(rt.int_convert("slice_index", 5), 5)
        self.assertEqual(rt.int_convert("slice_index", 2**100), sys.maxsize)
        self.assertEqual(rt.int_convert("slice_index", -(2**100)), -sys.maxsize - 1)
        self.assertEqual(rt.int_convert("slice_index", 2**62), 2**62)

    def test_no_reference_leaks_on_boxed_paths(self):
        big = 2**100 + 12345
        before = sys.getrefcount(big)
        for _ in range(1000):
            rt.int_binop("+", big, 1)
            rt.int_binop("*", big, big)
            rt.int_compare(big, big)
            rt.int_convert("as_object", big)
            rt.int_unop("-", big)
        self.assertEqual(sys.getrefcount(big), before)


class FloatTests(unittest.TestCase):
    VALUES = [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 7.0, -7.0, 0.1, 1e308, -1e-308,
              math.inf, -math.inf, math.nan, 3.0]

    def test_binary_ops_match_python(self):
        ops = {"//": lambda a, b: a // b, "%": lambda a, b: a % b,
               "/": lambda a, b: a / b, "**": lambda a, b: a ** b}
        for op, fn in ops.items():
            for a, b in itertools.product(self.VALUES, repeat=2):
                with self.subTest(a=a, op=op, b=b):
                    expected = outcome(fn, a, b)
                    got = outcome(rt.float_binop, op, a, b)
                    if expected[0] == "ok" and isinstance(expected[1], complex):
                        self.assertEqual(got[:2], ("err", TypeError))
                        continue
                    if expected[0] == "ok":
                        self.assertEqual(got[0], "ok", got)
                        self.assertTrue(same_float(got[1], expected[1]), (got, expected))
                    else:
                        self.assertEqual(got, expected)

    def test_unboxing(self):
        self.assertEqual(rt.float_convert("from_object", 2.5), 2.5)
        self.assertEqual(rt.float_convert("from_object", 3), 3.0)
        self.assertEqual(rt.float_convert("from_object", True), 1.0)
        self.assertEqual(outcome(rt.float_convert, "from_object", "1.0"),
                         ("err", TypeError, "float object expected; got str"))
        self.assertEqual(outcome(rt.float_convert, "from_object", None),
                         ("err", TypeError, "float object expected; got None"))
        self.assertEqual(outcome(rt.float_convert, "from_object", 10**400),
                         outcome(float, 10**400))
        self.assertEqual(rt.float_convert("from_any", " 1.5 "), 1.5)
        self.assertEqual(outcome(rt.float_convert, "from_any", "x"), outcome(float, "x"))

    def test_str_and_rounding(self):
        for d in (0.1, 1e16, 1.0, -0.0, 1e-7, math.inf, math.nan, 123456789.125):
            self.assertEqual(rt.float_convert("str", d), str(d))
        for d in (0.5, 1.5, 2.5, -0.5, -1.5, 2.675, 1e20, -3.7, 3.7, 2.0**62 + 0.0):
            self.assertEqual(rt.float_convert("round", d)[0], round(d), d)
            self.assertEqual(rt.float_convert("floor", d)[0], math.floor(d), d)
            self.assertEqual(rt.float_convert("ceil", d)[0], math.ceil(d), d)
        for d in (math.inf, -math.inf, math.nan):
            self.assertEqual(outcome(rt.float_convert, "round", d), outcome(round, d))
            self.assertEqual(outcome(rt.float_convert, "floor", d), outcome(math.floor, d))


class StrTests(unittest.TestCase):
    STRINGS = ["", "a", "abc", "héllo", "日本語", "😀x", "abc" * 10]

    def test_getitem(self):
        for s in self.STRINGS:
            for i in range(-len(s) - 2, len(s) + 2):
                self.assertEqual(outcome(rt.str_getitem, s, i), outcome(lambda: s[i]))
            for i in (2**62, 2**63, -(2**64), MAX, MIN):
                self.assertEqual(outcome(rt.str_getitem, s, i), index_outcome(lambda: s[i], i))

    def test_slices(self):
        bounds = [0, 1, 2, -1, -2, 5, -5, 100, -100, 2**70, -(2**70), MAX, MIN]
        seqs = ["héllo wörld", [1, 2, 3, 4, 5], (1, 2, 3), b"bytes!", range(7)]
        for a, b in itertools.product(bounds, repeat=2):
            s = seqs[0]
            self.assertEqual(rt.str_slice(s, a, b), s[a:b], (a, b))
            self.assertEqual(rt.list_slice(seqs[1], a, b), seqs[1][a:b], (a, b))
            for seq in seqs:
                self.assertEqual(rt.obj_slice(seq, a, b), seq[a:b], (seq, a, b))

    def test_append_compare_build(self):
        for a, b in itertools.product(self.STRINGS, repeat=2):
            self.assertEqual(rt.str_append(a, b), a + b)
            self.assertEqual(rt.str_append_unique(a, b), a + b)
            eq, cmp = rt.str_compare(a, b)
            self.assertEqual(eq, a == b)
            self.assertEqual(cmp, (a > b) - (a < b))
            self.assertEqual(rt.str_build(a, b, a), a + b + a)
        self.assertEqual(rt.str_build(), "")
        self.assertEqual(rt.str_build("x"), "x")
        self.assertEqual(rt.str_build("a", "é", "日", "😀"), "aé日😀")
        # A equal string with a distinct object: equality by content.
        s1 = "".join(["ab", "c"])
        self.assertEqual(rt.str_compare(s1, "abc"), (1, 0))

    def test_multiply(self):
        for n in (0, 1, 3, -1, -(2**70), 2**70):
            self.assertEqual(outcome(rt.multiply, "str", "ab", n), outcome(lambda: "ab" * n))
            self.assertEqual(outcome(rt.multiply, "seq", [1, 2], n),
                             outcome(lambda: [1, 2] * n))
            self.assertEqual(outcome(rt.multiply, "rseq", (1,), n), outcome(lambda: n * (1,)))


class ContainerTests(unittest.TestCase):
    def test_lengths(self):
        self.assertEqual(rt.lengths("héllo", [1, 2], (1,), {1: 2}, {1, 2, 3}, range(9)),
                         (5, 2, 1, 1, 3, 9))
        self.assertEqual(outcome(rt.lengths, "", [], (), {}, set(), 5),
                         outcome(len, 5))

    def test_build(self):
        a, b, c = object(), "x", 3
        self.assertEqual(rt.build("list", a, b, c), [a, b, c])
        self.assertEqual(rt.build("tuple", a, b, c), (a, b, c))
        self.assertEqual(rt.build("set", 1, 2, 1), {1, 2})
        self.assertEqual(rt.build("dict", "k1", "k2", "k3"), {"k1": "k3", "k2": "k2", "k3": "k1"})
        self.assertEqual(rt.build("empty_list", 0, 0, 0), [])
        self.assertEqual(outcome(rt.build, "set", [], 1, 2), outcome(lambda: {[], 1, 2}))

    def test_list_and_tuple_getitem(self):
        lst = [10, 20, 30]
        tup = (10, 20, 30)
        for i in (-4, -3, -1, 0, 2, 3, 2**62, 2**63, -(2**70)):
            self.assertEqual(outcome(rt.seq_getitem, "list", lst, i),
                             index_outcome(lambda: lst[i], i))
            self.assertEqual(outcome(rt.seq_getitem, "tuple", tup, i),
                             index_outcome(lambda: tup[i], i))

    def test_list_setitem(self):
        for i in (-4, -3, -1, 0, 2, 3, 2**64):
            mine, ref = [1, 2, 3], [1, 2, 3]
            v = object()
            self.assertEqual(outcome(rt.list_setitem, mine, i, v),
                             index_outcome(lambda: ref.__setitem__(i, v), i))
            self.assertEqual(mine, ref)
        # The stolen reference is released on failure.
        v = object()
        before = sys.getrefcount(v)
        for _ in range(100):
            outcome(rt.list_setitem, [], 5, v)
        self.assertEqual(sys.getrefcount(v), before)

    def test_pop(self):
        for i in (-4, -3, -1, 0, 1, 2, 3, 2**70):
            mine, ref = [1, 2, 3], [1, 2, 3]
            self.assertEqual(outcome(rt.seq_getitem, "pop", mine, i), outcome(ref.pop, i))
            self.assertEqual(mine, ref)
        self.assertEqual(outcome(rt.seq_getitem, "pop", [], 0), outcome([].pop, 0))
        mine = [1, 2, 3]
        self.assertEqual(rt.list_ops("pop", mine), 3)
        self.assertEqual(mine, [1, 2])
        mine.append(9)
        self.assertEqual(mine, [1, 2, 9])
        self.assertEqual(outcome(rt.list_ops, "pop", []), outcome([].pop))
        # pop() hands over exactly the list's reference.
        o = object()
        before = sys.getrefcount(o)
        for _ in range(100):
            rt.list_ops("pop", [o])
            rt.seq_getitem("pop", [o, 1], 0)
        self.assertEqual(sys.getrefcount(o), before)

    def test_append_extend(self):
        mine = [1]
        self.assertIsNone(rt.list_ops("append", mine, 2))
        self.assertIsNone(rt.list_ops("extend", mine, [3, 4]))
        self.assertIsNone(rt.list_ops("extend", mine, (5,)))
        self.assertIsNone(rt.list_ops("extend", mine, (x for x in "ab")))
        self.assertIsNone(rt.list_ops("extend", mine, mine[:1]))
        self.assertEqual(mine, [1, 2, 3, 4, 5, "a", "b", 1])
        self.assertEqual(outcome(rt.list_ops, "extend", [], 5), outcome([].extend, 5))

    def test_dict_ops(self):
        d = {"a": 1, (1, 2): 2}
        self.assertEqual(rt.dict_ops("getitem", d, "a"), 1)
        self.assertEqual(outcome(rt.dict_ops, "getitem", d, "zz"), outcome(d.__getitem__, "zz"))
        e = outcome(rt.dict_ops, "getitem", d, (3, 4))
        self.assertEqual(e, outcome(d.__getitem__, (3, 4)))
        self.assertEqual(outcome(rt.dict_ops, "getitem", d, []), outcome(d.__getitem__, []))
        self.assertEqual(rt.dict_ops("get", d, "a", None), 1)
        self.assertEqual(rt.dict_ops("get", d, "b", 7), 7)
        self.assertEqual(rt.dict_ops("setitem", d, "b", 5), 0)
        self.assertEqual(d["b"], 5)
        self.assertEqual(rt.dict_ops("contains", d, "b"), 1)
        self.assertEqual(rt.dict_ops("contains", d, "q"), 0)
        self.assertEqual(rt.dict_ops("set_contains", {1, 2}, 2), 1)
        self.assertEqual(rt.dict_ops("set_contains", frozenset(), 2), 0)

        class Missing(dict):
            def __missing__(self, key):
                return key * 2

        m = Missing()
        self.assertEqual(rt.dict_ops("getitem", m, 21), 42)
        self.assertEqual(rt.dict_ops("get", m, 21, "fallback"), "fallback")
        from collections import defaultdict
        dd = defaultdict(list)
        self.assertEqual(rt.dict_ops("getitem", dd, "k"), [])
        self.assertIn("k", dd)


class GenericTests(unittest.TestCase):
    def test_calls(self):
        def f(*args, **kwargs):
            return args, kwargs

        self.assertEqual(rt.call(f, (), {}), ((), {}))
        self.assertEqual(rt.call(f, (1, 2, 3), {}), ((1, 2, 3), {}))
        self.assertEqual(rt.call(f, (1,), {"x": 2, "y": 3}), ((1,), {"x": 2, "y": 3}))
        self.assertEqual(rt.call(f, (), {"x": 2}), ((), {"x": 2}))
        self.assertEqual(rt.call(len, ("abc",), {}), 3)
        self.assertEqual(outcome(rt.call, len, (), {}), outcome(len))
        self.assertEqual(rt.call_method([3, 1, 2], "index", (2,)), 2)
        self.assertEqual(rt.call_method("a-b-c", "split", ("-", 1)), ["a", "b-c"])
        self.assertEqual(rt.call_method("a-b-c", "split", ("-",), "maxsplit", 1), ["a", "b-c"])
        self.assertEqual(rt.call_method("a b", "split", (), "maxsplit", 0), ["a b"])
        self.assertEqual(outcome(rt.call_method, 1, "nope", ()),
                         outcome(lambda: (1).nope()))

    def test_iteration(self):
        self.assertEqual(rt.iterate(range(5)), [0, 1, 2, 3, 4])
        self.assertEqual(rt.iterate(""), [])

        def failing():
            yield 1
            raise KeyError("boom")

        self.assertEqual(outcome(rt.iterate, failing()), ("err", KeyError, "'boom'"))

    def test_truth_and_compare(self):
        self.assertIs(rt.generic("is_true", []), False)
        self.assertIs(rt.generic("is_true", [0]), True)

        class Bad:
            def __bool__(self):
                raise ValueError("no truth")

        self.assertEqual(outcome(rt.generic, "is_true", Bad()), ("err", ValueError, "no truth"))
        nan = math.nan
        self.assertIs(rt.generic("compare_bool", nan, nan, 2), False)  # Py_EQ
        self.assertIs(rt.generic("compare_bool", 1, 2, 0), True)  # Py_LT
        self.assertEqual(outcome(rt.generic, "compare_bool", 1, "a", 0),
                         outcome(lambda: 1 < "a"))
        self.assertEqual(rt.generic("compare", [1], [1], 2), True)
        self.assertIs(rt.generic("isinstance", True, int), True)
        self.assertIs(rt.generic("isinstance", 1, (str, bytes)), False)
        self.assertEqual(outcome(rt.generic, "isinstance", 1, 5), outcome(isinstance, 1, 5))
        self.assertEqual(rt.generic("str", 1.5), "1.5")
        self.assertEqual(rt.generic("repr", "x"), "'x'")


class GlobalsImportTests(unittest.TestCase):
    def test_globals_fallback_to_builtins(self):
        g = {"x": 1, "len": "shadowed"}
        self.assertEqual(rt.globals_op(g, "x"), 1)
        self.assertEqual(rt.globals_op(g, "len"), "shadowed")
        self.assertIs(rt.globals_op(g, "print"), print)
        self.assertIs(rt.globals_op({}, "ValueError"), ValueError)
        self.assertEqual(outcome(rt.globals_op, g, "undefined_name"),
                         ("err", NameError, "name 'undefined_name' is not defined"))
        rt.globals_op(g, "y", 5)
        self.assertEqual(g["y"], 5)

    def test_imports(self):
        top = rt.import_op("import", "os.path")
        import os
        import os.path
        self.assertIs(top, os)
        self.assertIs(rt.import_op("import_module", "os.path"), os.path)
        self.assertIs(rt.import_op("import_module", "json"), sys.modules["json"])
        self.assertEqual(outcome(rt.import_op, "import", "no_such_mod_xyz")[:2],
                         ("err", ModuleNotFoundError))
        self.assertIs(rt.import_op("from", os, "sep", "os"), os.sep)
        import xml
        sub = rt.import_op("from", xml, "dom", "xml")
        self.assertIs(sub, sys.modules["xml.dom"])
        got = outcome(rt.import_op, "from", os, "nope_xyz", "os")
        try:
            from os import nope_xyz  # noqa: F401
        except ImportError as e:
            expected = ("err", ImportError, str(e))
        self.assertEqual(got, expected)


class ExceptionTests(unittest.TestCase):
    def test_add_traceback(self):
        g = {"__name__": "native"}
        try:
            rt.raise_traced(ValueError("bad"), "native.py", "my_func", 42, g)
        except ValueError as e:
            self.assertEqual(str(e), "bad")
            entries = traceback.extract_tb(e.__traceback__)
        last = entries[-1]
        self.assertEqual((last.filename, last.lineno, last.name), ("native.py", 42, "my_func"))
        # Two compiled frames in a chain, and NULL globals.
        try:
            rt.raise_traced(KeyError, "pkg/mod.py", "inner", 7, None)
        except KeyError as e:
            tb = e.__traceback__
            text = "".join(traceback.format_exception(type(e), e, tb))
        self.assertIn('File "pkg/mod.py", line 7, in inner', text)

    def test_type_errors(self):
        self.assertEqual(outcome(rt.type_error, "str", 5),
                         ("err", TypeError, "str object expected; got int"))
        self.assertEqual(outcome(rt.type_error, "list", None),
                         ("err", TypeError, "list object expected; got None"))
        try:
            rt.type_error("int", "x", True)
        except TypeError as e:
            last = traceback.extract_tb(e.__traceback__)[-1]
            self.assertEqual((last.filename, last.lineno, last.name), ("native.py", 7, "checked"))

    def test_raise_forms(self):
        self.assertEqual(outcome(rt.raise_traced, ValueError, "f.py", "f", 1, None),
                         ("err", ValueError, ""))
        self.assertEqual(outcome(rt.raise_traced, 5, "f.py", "f", 1, None),
                         ("err", TypeError, "exceptions must derive from BaseException"))
        try:
            rt.raise_from(ValueError("v"), KeyError("k"))
        except ValueError as e:
            self.assertIsInstance(e.__cause__, KeyError)
            self.assertTrue(e.__suppress_context__)
        try:
            rt.raise_from(ValueError, None)
        except ValueError as e:
            self.assertIsNone(e.__cause__)
            self.assertTrue(e.__suppress_context__)
        try:
            rt.raise_from(ValueError, TypeError)
        except ValueError as e:
            self.assertIsInstance(e.__cause__, TypeError)
        self.assertEqual(outcome(rt.raise_from, ValueError, 3),
                         ("err", TypeError, "exception causes must derive from BaseException"))

    def test_assert_failed(self):
        self.assertEqual(outcome(rt.assert_failed, None), ("err", AssertionError, ""))
        self.assertEqual(outcome(rt.assert_failed, "msg"), ("err", AssertionError, "msg"))
        try:
            rt.assert_failed((1, 2))
        except AssertionError as e:
            self.assertEqual(e.args, ((1, 2),))

    def test_try_except_protocol(self):
        seen = []

        def body():
            raise KeyError("inner")

        def handler(e):
            seen.append((e, sys.exc_info()[1]))
            return "handled"

        self.assertIsNone(sys.exc_info()[1])
        self.assertEqual(rt.try_except(body, KeyError, handler), "handled")
        self.assertIs(seen[0][0], seen[0][1])
        self.assertIsInstance(seen[0][0], KeyError)
        self.assertIsNone(sys.exc_info()[1])
        # Tuple of types matches as `except (A, B)` does.
        self.assertEqual(rt.try_except(body, (TypeError, LookupError), handler), "handled")

        # Inside an outer handler, the outer exception is restored after.
        try:
            raise RuntimeError("outer")
        except RuntimeError as outer:
            self.assertEqual(rt.try_except(body, KeyError, handler), "handled")
            self.assertIs(sys.exc_info()[1], outer)
            # A non-matching exception propagates with its traceback and
            # context, and the outer exception is still the handled one.
            try:
                rt.try_except(body, TypeError, handler)
            except KeyError as e:
                self.assertEqual(str(e), "'inner'")
                self.assertIs(e.__context__, outer)
                names = [f.name for f in traceback.extract_tb(e.__traceback__)]
                self.assertIn("body", names)
            self.assertIs(sys.exc_info()[1], outer)

        # Bare raise from within the handler re-raises the caught exception.
        def reraising_handler(e):
            rt.reraise()

        try:
            rt.try_except(body, KeyError, reraising_handler)
        except KeyError as e:
            self.assertEqual(str(e), "'inner'")
        self.assertIsNone(sys.exc_info()[1])
        self.assertEqual(outcome(rt.reraise),
                         ("err", RuntimeError, "No active exception to reraise"))

        # An exception raised by the handler has the caught one as context.
        def failing_handler(e):
            raise ValueError("in handler")

        try:
            rt.try_except(body, KeyError, failing_handler)
        except ValueError as e:
            self.assertIsInstance(e.__context__, KeyError)
        self.assertIsNone(sys.exc_info()[1])


MISSING = object()


def mypyc_parse_error(sig, names, args, kwargs):
    """The TypeError message mypyc's argument parser (getargsfast.c) gives
    for a call, or None if the call binds: a model of its checks, in order."""
    posonly, pos, ndefaults, star, kwonly, star2 = sig
    f = "f"
    length = len(names)
    npos = len(posonly) + len(pos)
    nmin = npos - ndefaults
    n, nkw = len(args), len(kwargs)
    required_kw = {name for name, req in kwonly if req}
    if n + nkw > length and not star and not star2:
        return "%s() takes at most %d %sargument%s (%d given)" % (
            f, length, "keyword " if n == 0 else "", "" if length == 1 else "s", n + nkw)
    if n > npos and not star:
        if npos == 0:
            return f"{f}() takes no positional arguments"
        return "%s() takes %s %d positional argument%s (%d given)" % (
            f, "at most" if nmin < npos else "exactly", npos, "" if npos == 1 else "s", n)
    for i, name in enumerate(names):
        present = (i < n and i < npos) or (i >= len(posonly) and name in kwargs)
        if present:
            continue
        required = name in required_kw if i >= npos else i < nmin
        if not required:
            continue
        if i < len(posonly):
            least = min(len(posonly), nmin)
            return "%s() takes %s %d positional argument%s (%d given)" % (
                f, "at least" if least < npos else "exactly", least,
                "" if least == 1 else "s", n)
        if i >= npos:
            return f"{f}() missing required keyword-only argument '{name}'"
        return f"{f}() missing required argument '{name}' (pos {i + 1})"
    for i in range(len(posonly), min(n, npos)):
        if names[i] in kwargs:
            return f"argument for {f}() given by name ('{names[i]}') and position ({i + 1})"
    if not star2:
        for k in kwargs:
            if k not in names[len(posonly):]:
                return f"'{k}' is an invalid keyword argument for {f}()"
    return None


class ArgParseTests(unittest.TestCase):
    """CPyArg_Parse against real Python functions with the same signature."""

    # (posonly, positional, n_defaults, star, kwonly [(name, required)], star2)
    SIGNATURES = [
        ([], [], 0, False, [], False),
        ([], ["x"], 0, False, [], False),
        ([], ["x", "y"], 0, False, [], False),
        ([], ["x", "y", "z"], 1, False, [], False),
        ([], ["x", "y"], 2, False, [], False),
        (["a"], ["x"], 0, False, [], False),
        (["a", "b"], ["x"], 2, False, [], False),
        ([], ["x"], 0, True, [], False),
        ([], ["x"], 0, False, [], True),
        (["a"], [], 0, False, [], True),
        ([], ["x", "y"], 1, False, [("k", True)], False),
        ([], [], 0, False, [("k", True), ("m", False), ("n", True)], False),
        ([], ["x"], 0, True, [("k", False)], True),
        (["a"], ["x", "y"], 1, True, [("k", True), ("m", False)], True),
        ([], ["x", "y", "z", "w"], 0, False, [], False),
    ]
    KEYWORDS = ["a", "x", "y", "z", "k", "m", "n", "q", "w"]

    def make_function(self, posonly, pos, ndefaults, star, kwonly, star2):
        params = []
        all_pos = posonly + pos
        first_default = len(all_pos) - ndefaults
        for i, name in enumerate(all_pos):
            params.append(name + ("=MISSING" if i >= first_default else ""))
            if posonly and i == len(posonly) - 1:
                params.append("/")
        if star:
            params.append("*args")
        elif kwonly:
            params.append("*")
        for name, required in kwonly:
            params.append(name + ("" if required else "=MISSING"))
        if star2:
            params.append("**kwargs")
        names = all_pos + [n for n, _ in kwonly]
        result = names + (["args"] if star else []) + (["kwargs"] if star2 else [])
        src = "def f({}):\n    return [{}]\n".format(", ".join(params), ", ".join(result))
        ns = {"MISSING": MISSING}
        exec(src, ns)
        return ns["f"], names

    def test_matches_model(self):
        """A call binds exactly when it binds in CPython, to the same values;
        a call that does not bind raises the TypeError mypyc's parser does."""
        checked = 0
        for sig in self.SIGNATURES:
            posonly, pos, ndefaults, star, kwonly, star2 = sig
            f, names = self.make_function(*sig)
            required = bytes(1 if r else 0 for _, r in kwonly)
            npos = len(posonly) + len(pos)
            for nargs in range(0, npos + 3):
                args = tuple(range(100, 100 + nargs))
                for nkw in range(0, 3):
                    for kws in itertools.combinations(self.KEYWORDS, nkw):
                        kwargs = {k: "v" + k for k in kws}
                        python = outcome(f, *args, **kwargs)
                        got = outcome(rt.parse, "f", tuple(names), npos, npos - ndefaults,
                                      len(posonly), required, star, star2, args, kwargs,
                                      MISSING)
                        message = mypyc_parse_error(sig, names, args, kwargs)
                        if message is None:
                            self.assertEqual(got, python, (sig, args, kwargs))
                        else:
                            self.assertEqual(python[0], "err", (sig, args, kwargs))
                            self.assertEqual(got, ("err", TypeError, message),
                                             (sig, args, kwargs))
                        checked += 1
        self.assertGreater(checked, 1000)

    def test_messages_literal(self):
        def parse(args, kwargs, **sig):
            return outcome(rt.parse, "f", sig["names"], sig["npos"], sig["nreq"],
                           sig.get("posonly", 0), sig.get("req", b""), False, False, args,
                           kwargs, MISSING)

        two = dict(names=("x", "y"), npos=2, nreq=2)
        opt = dict(names=("x", "y"), npos=2, nreq=1)
        cases = [
            (((1,), {}, two), "f() missing required argument 'y' (pos 2)"),
            (((), {"y": 1}, two), "f() missing required argument 'x' (pos 1)"),
            (((1, 2, 3), {}, two), "f() takes at most 2 arguments (3 given)"),
            (((1, 2), {"z": 1}, two), "f() takes at most 2 arguments (3 given)"),
            (((), {"a": 1, "b": 2, "c": 3}, two),
             "f() takes at most 2 keyword arguments (3 given)"),
            (((1,), {"z": 1}, opt), "'z' is an invalid keyword argument for f()"),
            (((1,), {"x": 1}, opt), "argument for f() given by name ('x') and position (1)"),
            (((), {}, dict(names=("k",), npos=0, nreq=0, req=b"\x01")),
             "f() missing required keyword-only argument 'k'"),
            (((1,), {}, dict(names=("k",), npos=0, nreq=0, req=b"\x01")),
             "f() takes no positional arguments"),
            (((), {}, dict(names=("a", "b"), npos=2, nreq=2, posonly=2)),
             "f() takes exactly 2 positional arguments (0 given)"),
        ]
        for (args, kwargs, sig), message in cases:
            self.assertEqual(parse(args, kwargs, **sig), ("err", TypeError, message))


if __name__ == "__main__":
    unittest.main(verbosity=1)
