/*
 * CPy.h: the single header that generated C includes.
 *
 * It owns the runtime's public surface (see lib-rt/API.md): the tagged-int
 * representation and its inline fast paths, container length helpers, the
 * exception-info tuple type, the argument-parser descriptor, and the
 * declarations of everything implemented out of line in the lib-rt C files.
 *
 * Fast paths live here as `static inline` so the C compiler can fold them
 * into generated code; each falls back to an out-of-line `...Slow` function
 * (int_ops.c) that handles boxed ints, overflow and errors with exact
 * Python semantics.
 *
 * Only the public C API is used, with `#if PY_VERSION_HEX` for faster paths.
 */
#ifndef CPY_CPY_H
#define CPY_CPY_H

#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>
#include <stdarg.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Portability
 * ------------------------------------------------------------------------ */

#if defined(__GNUC__) || defined(__clang__)
#define CPY_LIKELY(x) __builtin_expect(!!(x), 1)
#define CPY_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CPY_HAVE_OVERFLOW_BUILTINS 1
#else
#define CPY_LIKELY(x) (x)
#define CPY_UNLIKELY(x) (x)
#endif

/* Signed add/sub/mul with overflow detection; return nonzero on overflow. */
static inline int CPy_AddOverflow(Py_ssize_t a, Py_ssize_t b, Py_ssize_t *r) {
#ifdef CPY_HAVE_OVERFLOW_BUILTINS
    return __builtin_add_overflow(a, b, r);
#else
    Py_ssize_t s = (Py_ssize_t)((size_t)a + (size_t)b);
    *r = s;
    return ((a ^ s) & (b ^ s)) < 0;
#endif
}

static inline int CPy_SubOverflow(Py_ssize_t a, Py_ssize_t b, Py_ssize_t *r) {
#ifdef CPY_HAVE_OVERFLOW_BUILTINS
    return __builtin_sub_overflow(a, b, r);
#else
    Py_ssize_t s = (Py_ssize_t)((size_t)a - (size_t)b);
    *r = s;
    return ((a ^ b) & (a ^ s)) < 0;
#endif
}

static inline int CPy_MulOverflow(Py_ssize_t a, Py_ssize_t b, Py_ssize_t *r) {
#ifdef CPY_HAVE_OVERFLOW_BUILTINS
    return __builtin_mul_overflow(a, b, r);
#else
    if (a == 0 || b == 0) {
        *r = 0;
        return 0;
    }
    if ((a == -1 && b == PY_SSIZE_T_MIN) || (b == -1 && a == PY_SSIZE_T_MIN)) {
        return 1;
    }
    Py_ssize_t p = (Py_ssize_t)((size_t)a * (size_t)b);
    *r = p;
    return p / b != a;
#endif
}

/* ------------------------------------------------------------------------
 * Tagged integers
 * ------------------------------------------------------------------------ */

typedef size_t CPyTagged;
typedef Py_ssize_t CPySignedInt;

#define CPY_INT_TAG 1
#define CPY_TAGGED_MAX (PY_SSIZE_T_MAX >> 1)
#define CPY_TAGGED_MIN (PY_SSIZE_T_MIN >> 1)
#define CPY_INT_BITS ((int)(sizeof(CPyTagged) * 8))

static inline int CPyTagged_CheckShort(CPyTagged x) {
    return (x & CPY_INT_TAG) == 0;
}

static inline int CPyTagged_CheckLong(CPyTagged x) {
    return (x & CPY_INT_TAG) != 0;
}

static inline Py_ssize_t CPyTagged_ShortAsSsize_t(CPyTagged x) {
    /* Arithmetic shift keeps the sign (all supported compilers do this). */
    return (Py_ssize_t)x >> 1;
}

static inline PyObject *CPyTagged_LongAsObject(CPyTagged x) {
    return (PyObject *)(x & ~(CPyTagged)CPY_INT_TAG);
}

/* Tag a value known to be in [CPY_TAGGED_MIN, CPY_TAGGED_MAX]. */
static inline CPyTagged CPyTagged_ShortFromSsize_t(Py_ssize_t v) {
    return (CPyTagged)v << 1;
}

static inline int CPyTagged_SsizeFitsShort(Py_ssize_t v) {
    return v >= CPY_TAGGED_MIN && v <= CPY_TAGGED_MAX;
}

static inline void CPyTagged_INCREF(CPyTagged x) {
    if (CPY_UNLIKELY(CPyTagged_CheckLong(x))) {
        Py_INCREF(CPyTagged_LongAsObject(x));
    }
}

static inline void CPyTagged_DECREF(CPyTagged x) {
    if (CPY_UNLIKELY(CPyTagged_CheckLong(x))) {
        Py_DECREF(CPyTagged_LongAsObject(x));
    }
}

static inline void CPyTagged_XDECREF(CPyTagged x) {
    if (CPY_UNLIKELY(CPyTagged_CheckLong(x))) {
        Py_XDECREF(CPyTagged_LongAsObject(x));
    }
}

CPyTagged CPyTagged_FromSsize_tSlow(Py_ssize_t v);

static inline CPyTagged CPyTagged_FromSsize_t(Py_ssize_t v) {
    if (CPY_LIKELY(CPyTagged_SsizeFitsShort(v))) {
        return CPyTagged_ShortFromSsize_t(v);
    }
    return CPyTagged_FromSsize_tSlow(v);
}

/* The value of an int object of at most one digit (most ints met in
 * practice) in *out, returning 1; 0 for larger ones. Reads the object's
 * digits directly, as PyLong_AsLongLongAndOverflow would, without a call. */
static inline int CPyLong_SmallValue(PyObject *o, Py_ssize_t *out) {
#if PY_VERSION_HEX >= 0x030C0000
    if (PyUnstable_Long_IsCompact((PyLongObject *)o)) {
        *out = (Py_ssize_t)PyUnstable_Long_CompactValue((PyLongObject *)o);
        return 1;
    }
    return 0;
#else
    Py_ssize_t size = Py_SIZE(o);
    if (CPY_LIKELY(size == 1)) {
        *out = (Py_ssize_t)((PyLongObject *)o)->ob_digit[0];
        return 1;
    }
    if (size == 0) {
        *out = 0;
        return 1;
    }
    if (size == -1) {
        *out = -(Py_ssize_t)((PyLongObject *)o)->ob_digit[0];
        return 1;
    }
    return 0;
#endif
}

CPyTagged CPyTagged_FromInt64Slow(int64_t v);
CPyTagged CPyTagged_FromObjectSlow(PyObject *o);
CPyTagged CPyTagged_StealFromObjectSlow(PyObject *o);
CPyTagged CPyTagged_BorrowFromObjectSlow(PyObject *o);

static inline CPyTagged CPyTagged_FromInt64(int64_t v) {
    if (CPY_LIKELY(v >= CPY_TAGGED_MIN && v <= CPY_TAGGED_MAX)) {
        return CPyTagged_ShortFromSsize_t((Py_ssize_t)v);
    }
    return CPyTagged_FromInt64Slow(v);
}

/* An int as an int64_t, saturating at the int64_t bounds. */
static inline int64_t CPyTagged_ClampToInt64(CPyTagged x) {
    if (CPY_LIKELY(CPyTagged_CheckShort(x))) {
        return (int64_t)CPyTagged_ShortAsSsize_t(x);
    }
    return _PyLong_Sign(CPyTagged_LongAsObject(x)) < 0 ? INT64_MIN : INT64_MAX;
}

/* Unboxing an int object (new, stolen or borrowed reference to it). */
static inline CPyTagged CPyTagged_FromObject(PyObject *o) {
    Py_ssize_t v;
    if (CPY_LIKELY(CPyLong_SmallValue(o, &v))) {
        return CPyTagged_ShortFromSsize_t(v);
    }
    return CPyTagged_FromObjectSlow(o);
}

static inline CPyTagged CPyTagged_StealFromObject(PyObject *o) {
    Py_ssize_t v;
    if (CPY_LIKELY(CPyLong_SmallValue(o, &v))) {
        Py_DECREF(o);
        return CPyTagged_ShortFromSsize_t(v);
    }
    return CPyTagged_StealFromObjectSlow(o);
}

static inline CPyTagged CPyTagged_BorrowFromObject(PyObject *o) {
    Py_ssize_t v;
    if (CPY_LIKELY(CPyLong_SmallValue(o, &v))) {
        return CPyTagged_ShortFromSsize_t(v);
    }
    return CPyTagged_BorrowFromObjectSlow(o);
}
/* Boxing an int: ints in -5..1023 come from a table filled on first use (no
 * call): the interpreter's cached small ints up to 256, and above that one
 * object per value kept for good, so boxing values such as grammar symbol
 * numbers or small counts does not allocate. (The language leaves the
 * identity of equal ints unspecified.) Others are new objects. */
#define CPY_SMALL_INT_MIN (-5)
#define CPY_SMALL_INT_COUNT 1029
extern PyObject *CPy_SmallInts[CPY_SMALL_INT_COUNT];
PyObject *CPyLong_FromLongLongSlow(long long v);

static inline PyObject *CPyLong_FromLongLong(long long v) {
    unsigned long long i = (unsigned long long)v - (unsigned long long)CPY_SMALL_INT_MIN;
    if (CPY_LIKELY(i < CPY_SMALL_INT_COUNT)) {
        PyObject *o = CPy_SmallInts[i];
        if (CPY_LIKELY(o != NULL)) {
            Py_INCREF(o);
            return o;
        }
    }
    return CPyLong_FromLongLongSlow(v);
}

static inline PyObject *CPyTagged_StealAsObject(CPyTagged x) {
    if (CPY_LIKELY(CPyTagged_CheckShort(x))) {
        return CPyLong_FromLongLong(CPyTagged_ShortAsSsize_t(x));
    }
    return CPyTagged_LongAsObject(x);
}

static inline PyObject *CPyTagged_AsObject(CPyTagged x) {
    if (CPY_LIKELY(CPyTagged_CheckShort(x))) {
        return CPyLong_FromLongLong(CPyTagged_ShortAsSsize_t(x));
    }
    PyObject *o = CPyTagged_LongAsObject(x);
    Py_INCREF(o);
    return o;
}
Py_ssize_t CPyTagged_AsSsize_t(CPyTagged x);

/* Out-of-line slow paths: boxed operands, overflow, errors. */
CPyTagged CPyTagged_AddSlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_SubtractSlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_MultiplySlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_FloorDivideSlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_RemainderSlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_NegateSlow(CPyTagged a);
CPyTagged CPyTagged_InvertSlow(CPyTagged a);
CPyTagged CPyTagged_AbsSlow(CPyTagged a);
CPyTagged CPyTagged_AndSlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_OrSlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_XorSlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_LshiftSlow(CPyTagged a, CPyTagged b);
CPyTagged CPyTagged_RshiftSlow(CPyTagged a, CPyTagged b);
char CPyTagged_IsEqSlow(CPyTagged a, CPyTagged b);
char CPyTagged_IsLtSlow(CPyTagged a, CPyTagged b);

static inline CPyTagged CPyTagged_Add(CPyTagged a, CPyTagged b) {
    Py_ssize_t r;
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b)) &&
        !CPy_AddOverflow((Py_ssize_t)a, (Py_ssize_t)b, &r)) {
        return (CPyTagged)r;
    }
    return CPyTagged_AddSlow(a, b);
}

static inline CPyTagged CPyTagged_Subtract(CPyTagged a, CPyTagged b) {
    Py_ssize_t r;
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b)) &&
        !CPy_SubOverflow((Py_ssize_t)a, (Py_ssize_t)b, &r)) {
        return (CPyTagged)r;
    }
    return CPyTagged_SubtractSlow(a, b);
}

static inline CPyTagged CPyTagged_Multiply(CPyTagged a, CPyTagged b) {
    Py_ssize_t r;
    /* (va) * (vb << 1) == (va * vb) << 1 */
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b)) &&
        !CPy_MulOverflow(CPyTagged_ShortAsSsize_t(a), (Py_ssize_t)b, &r)) {
        return (CPyTagged)r;
    }
    return CPyTagged_MultiplySlow(a, b);
}

static inline CPyTagged CPyTagged_FloorDivide(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b)) && b != 0) {
        Py_ssize_t x = CPyTagged_ShortAsSsize_t(a);
        Py_ssize_t y = CPyTagged_ShortAsSsize_t(b);
        Py_ssize_t q = x / y;
        if (x % y != 0 && ((x < 0) != (y < 0))) {
            q--;
        }
        /* Only CPY_TAGGED_MIN // -1 leaves the short range. */
        if (CPY_LIKELY(q <= CPY_TAGGED_MAX)) {
            return CPyTagged_ShortFromSsize_t(q);
        }
    }
    return CPyTagged_FloorDivideSlow(a, b);
}

static inline CPyTagged CPyTagged_Remainder(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b)) && b != 0) {
        Py_ssize_t x = CPyTagged_ShortAsSsize_t(a);
        Py_ssize_t y = CPyTagged_ShortAsSsize_t(b);
        Py_ssize_t r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) {
            r += y;
        }
        return CPyTagged_ShortFromSsize_t(r);
    }
    return CPyTagged_RemainderSlow(a, b);
}

static inline CPyTagged CPyTagged_Negate(CPyTagged a) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a)) &&
        a != CPyTagged_ShortFromSsize_t(CPY_TAGGED_MIN)) {
        return (CPyTagged)0 - a;
    }
    return CPyTagged_NegateSlow(a);
}

static inline CPyTagged CPyTagged_Abs(CPyTagged a) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a)) &&
        a != CPyTagged_ShortFromSsize_t(CPY_TAGGED_MIN)) {
        return (Py_ssize_t)a < 0 ? (CPyTagged)0 - a : a;
    }
    return CPyTagged_AbsSlow(a);
}

static inline CPyTagged CPyTagged_Invert(CPyTagged a) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a))) {
        /* ~v == -v - 1 stays in range; flip every bit but the tag. */
        return a ^ ~(CPyTagged)CPY_INT_TAG;
    }
    return CPyTagged_InvertSlow(a);
}

static inline CPyTagged CPyTagged_And(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b))) {
        return a & b;
    }
    return CPyTagged_AndSlow(a, b);
}

static inline CPyTagged CPyTagged_Or(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b))) {
        return a | b;
    }
    return CPyTagged_OrSlow(a, b);
}

static inline CPyTagged CPyTagged_Xor(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b))) {
        return a ^ b;
    }
    return CPyTagged_XorSlow(a, b);
}

static inline CPyTagged CPyTagged_Lshift(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b))) {
        Py_ssize_t n = CPyTagged_ShortAsSsize_t(b);
        if (n >= 0 && n < CPY_INT_BITS - 1) {
            CPyTagged r = a << n;
            if (((Py_ssize_t)r >> n) == (Py_ssize_t)a) {
                return r;
            }
        }
    }
    return CPyTagged_LshiftSlow(a, b);
}

static inline CPyTagged CPyTagged_Rshift(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b))) {
        Py_ssize_t n = CPyTagged_ShortAsSsize_t(b);
        if (n >= 0) {
            Py_ssize_t v = CPyTagged_ShortAsSsize_t(a);
            if (n >= CPY_INT_BITS) {
                n = CPY_INT_BITS - 1;
            }
            return CPyTagged_ShortFromSsize_t(v >> n);
        }
    }
    return CPyTagged_RshiftSlow(a, b);
}

PyObject *CPyTagged_Power(CPyTagged a, CPyTagged b);
double CPyTagged_TrueDivide(CPyTagged a, CPyTagged b);

static inline char CPyTagged_IsEq(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b))) {
        return a == b;
    }
    return CPyTagged_IsEqSlow(a, b);
}

static inline char CPyTagged_IsNe(CPyTagged a, CPyTagged b) {
    return !CPyTagged_IsEq(a, b);
}

static inline char CPyTagged_IsLt(CPyTagged a, CPyTagged b) {
    if (CPY_LIKELY(CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b))) {
        return (Py_ssize_t)a < (Py_ssize_t)b;
    }
    return CPyTagged_IsLtSlow(a, b);
}

static inline char CPyTagged_IsGt(CPyTagged a, CPyTagged b) {
    return CPyTagged_IsLt(b, a);
}

static inline char CPyTagged_IsLe(CPyTagged a, CPyTagged b) {
    return !CPyTagged_IsLt(b, a);
}

static inline char CPyTagged_IsGe(CPyTagged a, CPyTagged b) {
    return !CPyTagged_IsLt(a, b);
}

PyObject *CPyTagged_Str(CPyTagged x);
double CPyTagged_AsDoubleSlow(CPyTagged x);

/* int -> float; only a boxed (long) int can fail (OverflowError). */
static inline double CPyTagged_AsDouble(CPyTagged x) {
    if (CPY_LIKELY(CPyTagged_CheckShort(x))) {
        return (double)CPyTagged_ShortAsSsize_t(x);
    }
    return CPyTagged_AsDoubleSlow(x);
}
CPyTagged CPyTagged_FromFloat(double d);
CPyTagged CPyLong_FromStr(PyObject *s);
CPyTagged CPyLong_FromStrWithBase(PyObject *s, CPyTagged base);
CPyTagged CPyTagged_FromAny(PyObject *o);

/* ------------------------------------------------------------------------
 * Floats
 * ------------------------------------------------------------------------ */

#define CPY_FLOAT_ERROR (-113.0)

double CPyFloat_FloorDivide(double a, double b);
double CPyFloat_Remainder(double a, double b);
double CPyFloat_TrueDivideSlow(double a, double b);

static inline double CPyFloat_TrueDivide(double a, double b) {
    if (CPY_UNLIKELY(b == 0.0)) {
        return CPyFloat_TrueDivideSlow(a, b);
    }
    return a / b;
}
double CPyFloat_Pow(double a, double b);
double CPyFloat_FromObject(PyObject *o);
double CPyFloat_FromAny(PyObject *o);
PyObject *CPyFloat_Str(double x);
CPyTagged CPyFloat_Round(double x);
CPyTagged CPyFloat_Floor(double x);
CPyTagged CPyFloat_Ceil(double x);

/* ------------------------------------------------------------------------
 * Lengths (never fail)
 * ------------------------------------------------------------------------ */

static inline CPyTagged CPyStr_Len(PyObject *s) {
    return CPyTagged_ShortFromSsize_t(PyUnicode_GET_LENGTH(s));
}

static inline CPyTagged CPyList_Len(PyObject *l) {
    return CPyTagged_ShortFromSsize_t(PyList_GET_SIZE(l));
}

/* The size of a list or tuple, and its item `i` (a new reference) for an
 * index the caller keeps inside it (loops walking the sequence). */
static inline Py_ssize_t CPyList_Size(PyObject *list) {
    return PyList_GET_SIZE(list);
}

static inline Py_ssize_t CPyTuple_Size(PyObject *tuple) {
    return PyTuple_GET_SIZE(tuple);
}

static inline PyObject *CPyList_GetItemUnsafe(PyObject *list, Py_ssize_t i) {
    PyObject *item = PyList_GET_ITEM(list, i);
    Py_INCREF(item);
    return item;
}

static inline PyObject *CPyTuple_GetItemUnsafe(PyObject *tuple, Py_ssize_t i) {
    PyObject *item = PyTuple_GET_ITEM(tuple, i);
    Py_INCREF(item);
    return item;
}

static inline CPyTagged CPyTuple_Len(PyObject *t) {
    return CPyTagged_ShortFromSsize_t(PyTuple_GET_SIZE(t));
}

static inline CPyTagged CPyDict_Len(PyObject *d) {
#ifdef PyDict_GET_SIZE
    return CPyTagged_ShortFromSsize_t(PyDict_GET_SIZE(d));
#else
    return CPyTagged_ShortFromSsize_t(PyDict_Size(d));
#endif
}

static inline CPyTagged CPySet_Len(PyObject *s) {
    return CPyTagged_ShortFromSsize_t(PySet_GET_SIZE(s));
}

CPyTagged CPyObject_Len(PyObject *o);

/* ------------------------------------------------------------------------
 * Strings
 * ------------------------------------------------------------------------ */

PyObject *CPyStr_GetItem(PyObject *s, CPyTagged index);
/* ord() of a str: TypeError unless it has exactly one character. */
CPyTagged CPyStr_Ord(PyObject *s);
PyObject *CPyStr_GetSlice(PyObject *s, CPyTagged start, CPyTagged end);
void CPy_RaiseIndexError(CPyTagged index, const char *message);
/* The code of character `index` of `s` (IndexError as `s[index]`). */
static inline CPyTagged CPyStr_OrdAt(PyObject *s, CPyTagged index) {
    if (CPY_LIKELY(CPyTagged_CheckShort(index))) {
        Py_ssize_t i = CPyTagged_ShortAsSsize_t(index);
        Py_ssize_t n = PyUnicode_GET_LENGTH(s);
        if (i < 0) {
            i += n;
        }
        if (CPY_LIKELY(i >= 0 && i < n)) {
            return (CPyTagged)PyUnicode_READ_CHAR(s, i) << 1;
        }
    }
    CPy_RaiseIndexError(index, "string index out of range");
    return CPY_INT_TAG;
}
PyObject *CPyStr_Append(PyObject *a, PyObject *b);
char CPyStr_Equal(PyObject *a, PyObject *b);
int CPyStr_Compare(PyObject *a, PyObject *b);
PyObject *CPyStr_Build(Py_ssize_t n, ...);
/* What `for member in cls` iterates for an enum class `cls`. */
PyObject *CPyEnum_Iterable(PyObject *cls);
/* functools.singledispatch calls (dispatch_ops.c) */
PyObject *CPySingleDispatch_NewCache(void);
PyObject *CPySingleDispatch_Find(PyObject *cache, PyObject *func, PyObject *arg);
/* bytes (bytes_ops.c) */
CPyTagged CPyBytes_GetItemSlow(PyObject *b, CPyTagged index);
static inline CPyTagged CPyBytes_GetItem(PyObject *b, CPyTagged index) {
    if (CPY_LIKELY(PyBytes_CheckExact(b) && CPyTagged_CheckShort(index))) {
        Py_ssize_t i = CPyTagged_ShortAsSsize_t(index);
        Py_ssize_t n = PyBytes_GET_SIZE(b);
        if (i < 0) {
            i += n;
        }
        if (CPY_LIKELY(i >= 0 && i < n)) {
            return (CPyTagged)(unsigned char)PyBytes_AS_STRING(b)[i] << 1;
        }
    }
    return CPyBytes_GetItemSlow(b, index);
}
PyObject *CPyBytes_GetSlice(PyObject *b, CPyTagged start, CPyTagged end);
CPyTagged CPyBytes_Len(PyObject *b);
PyObject *CPyBytes_Join(PyObject *sep, PyObject *items);
/* `a + b` of bytes: exact bytes copied into a new object without the
 * number protocol; anything else (bytearray) as `PyNumber_Add`. */
PyObject *CPyBytes_Concat(PyObject *a, PyObject *b);
PyObject *CPyBytes_Split(PyObject *b);
PyObject *CPyBytes_SplitSep(PyObject *b, PyObject *sep);
/* format(s, "") of a str: an exact str is its own formatting. */
static inline PyObject *CPyStr_FormatPlain(PyObject *s) {
    if (PyUnicode_CheckExact(s)) {
        Py_INCREF(s);
        return s;
    }
    return PyObject_Format(s, NULL);
}
PyObject *CPyStr_FromWTF8(PyObject *bytes);
PyObject *CPyStr_Multiply(PyObject *s, CPyTagged n);

/* ------------------------------------------------------------------------
 * Lists, tuples, sequences
 * ------------------------------------------------------------------------ */

Py_ssize_t CPyTagged_LongAsSliceIndex(CPyTagged x);

/* Clamp a tagged index for slicing: boxed ints saturate to the word range. */
static inline Py_ssize_t CPyTagged_AsSliceIndex(CPyTagged x) {
    if (CPY_LIKELY(CPyTagged_CheckShort(x))) {
        return CPyTagged_ShortAsSsize_t(x);
    }
    return CPyTagged_LongAsSliceIndex(x);
}

/* Python's step-1 slice normalization of [start:end) against length len. */
void CPy_AdjustSlice(Py_ssize_t len, Py_ssize_t *start, Py_ssize_t *end);

/* Raise IndexError for an out-of-range index: `message` for a short index,
 * CPython's "cannot fit 'int' into an index-sized integer" for a boxed one. */
void CPy_RaiseIndexError(CPyTagged index, const char *message);

PyObject *CPyList_Build(Py_ssize_t n, ...);
PyObject *CPyTuple_Build(Py_ssize_t n, ...);
PyObject *CPyList_GetItemSlow(PyObject *list, CPyTagged index);
char CPyList_SetItemSlow(PyObject *list, CPyTagged index, PyObject *v);

/* The same with a native (i64) index: no tagging, one range check. */
static inline PyObject *CPyList_GetItemInt64(PyObject *list, int64_t index) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (index < 0) {
        index += n;
    }
    if (CPY_LIKELY(index >= 0 && index < n)) {
        PyObject *item = PyList_GET_ITEM(list, index);
        Py_INCREF(item);
        return item;
    }
    PyErr_SetString(PyExc_IndexError, "list index out of range");
    return NULL;
}

static inline char CPyList_SetItemInt64(PyObject *list, int64_t index, PyObject *v) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (index < 0) {
        index += n;
    }
    if (CPY_LIKELY(index >= 0 && index < n)) {
        PyObject *old = PyList_GET_ITEM(list, index);
        PyList_SET_ITEM(list, index, v);
        Py_DECREF(old);
        return 1;
    }
    Py_DECREF(v);
    PyErr_SetString(PyExc_IndexError, "list assignment index out of range");
    return 0;
}

/* A tagged index: short ones as above, others raise (no list is that long). */
static inline PyObject *CPyList_GetItem(PyObject *list, CPyTagged index) {
    if (CPY_LIKELY(CPyTagged_CheckShort(index))) {
        return CPyList_GetItemInt64(list, CPyTagged_ShortAsSsize_t(index));
    }
    return CPyList_GetItemSlow(list, index);
}

static inline char CPyList_SetItem(PyObject *list, CPyTagged index, PyObject *v) {
    if (CPY_LIKELY(CPyTagged_CheckShort(index))) {
        return CPyList_SetItemInt64(list, CPyTagged_ShortAsSsize_t(index), v);
    }
    return CPyList_SetItemSlow(list, index, v);
}

/* Appending to an exact list with spare capacity stores the item in place
 * (what list.append does after its checks); otherwise PyList_Append. */
static inline int CPyList_Append(PyObject *list, PyObject *v) {
    Py_ssize_t n = Py_SIZE(list);
    if (CPY_LIKELY(PyList_CheckExact(list) && n < ((PyListObject *)list)->allocated)) {
        Py_INCREF(v);
        PyList_SET_ITEM(list, n, v);
        Py_SET_SIZE(list, n + 1);
        return 0;
    }
    return PyList_Append(list, v);
}
PyObject *CPyList_Pop(PyObject *list);
PyObject *CPyList_PopIndex(PyObject *list, CPyTagged index);
PyObject *CPyList_GetSlice(PyObject *list, CPyTagged start, CPyTagged end);
PyObject *CPyList_Extend(PyObject *list, PyObject *iterable);
/* `x in seq` for an int `x`: exact int items compared by value without a
 * call (or a box); other items, and list or tuple subclasses, as the
 * interpreter compares them. 1, 0, or -1 with an exception set. */
int CPySequence_ContainsInt(PyObject *seq, CPyTagged x);
PyObject *CPySequence_Multiply(PyObject *seq, CPyTagged n);
PyObject *CPySequence_RMultiply(CPyTagged n, PyObject *seq);
PyObject *CPySequenceTuple_GetItem(PyObject *tuple, CPyTagged index);
/* The position of item `index` of a tuple of `n` items; -1 with IndexError. */
Py_ssize_t CPyTuple_ItemIndex(CPyTagged index, Py_ssize_t n);
/* list(range(start, end, step)). */
PyObject *CPyList_FromRange(CPyTagged start, CPyTagged end, CPyTagged step);
PyObject *CPySequenceTuple_GetSlice(PyObject *tuple, CPyTagged start, CPyTagged end);
PyObject *CPyObject_GetSlice(PyObject *obj, CPyTagged start, CPyTagged end);

/* ------------------------------------------------------------------------
 * Dicts and sets
 * ------------------------------------------------------------------------ */

PyObject *CPyDict_Build(Py_ssize_t n, ...);
PyObject *CPySet_Build(Py_ssize_t n, ...);
PyObject *CPyDict_GetItem(PyObject *dict, PyObject *key);
int CPyDict_SetItem(PyObject *dict, PyObject *key, PyObject *value);
PyObject *CPyDict_Get(PyObject *dict, PyObject *key, PyObject *fallback);
/* `dict.setdefault(key, EMPTY)`, EMPTY made only if `key` is missing:
 * kind 0 a list, 1 a dict, 2 a set. */
PyObject *CPyDict_SetDefaultEmpty(PyObject *dict, PyObject *key, Py_ssize_t kind);
int CPyDict_Contains(PyObject *dict, PyObject *key);
PyObject *CPyDict_KeysList(PyObject *dict);
int CPySet_Contains(PyObject *set, PyObject *key);

/* ------------------------------------------------------------------------
 * Generic objects
 * ------------------------------------------------------------------------ */

/* Calls with their arguments listed in the call: the arguments go into an
 * array on the caller's stack (slot 0 is scratch for the callee, as
 * PY_VECTORCALL_ARGUMENTS_OFFSET allows) and the call is one vectorcall,
 * with no packing through C varargs. `nargs` counts the positional
 * arguments; keyword values follow them, named by `kwnames`. */
static inline PyObject *CPy_VectorcallArray(PyObject *callable, PyObject **args,
                                            Py_ssize_t nargs, PyObject *kwnames) {
    return PyObject_Vectorcall(callable, args + 1,
                               (size_t)nargs | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames);
}

/* args[1] is the receiver. */
static inline PyObject *CPy_VectorcallMethodArray(PyObject *name, PyObject **args,
                                                  Py_ssize_t nargs, PyObject *kwnames) {
    return PyObject_VectorcallMethod(name, args + 1,
                                     (size_t)(nargs + 1) | PY_VECTORCALL_ARGUMENTS_OFFSET,
                                     kwnames);
}

#define CPy_Call(callable, nargs, ...) \
    CPy_VectorcallArray((callable), (PyObject *[]){NULL, ##__VA_ARGS__}, (nargs), NULL)
#define CPy_CallKw(callable, nargs, kwnames, ...) \
    CPy_VectorcallArray((callable), (PyObject *[]){NULL, ##__VA_ARGS__}, (nargs), (kwnames))
#define CPy_CallMethod(obj, name, nargs, ...) \
    CPy_VectorcallMethodArray((name), (PyObject *[]){NULL, (obj), ##__VA_ARGS__}, (nargs), NULL)
#define CPy_CallMethodKw(obj, name, nargs, kwnames, ...)                                   \
    CPy_VectorcallMethodArray((name), (PyObject *[]){NULL, (obj), ##__VA_ARGS__}, (nargs), \
                              (kwnames))
PyObject *CPyIter_Next(PyObject *iter);

static inline char CPy_NoErrOccurred(void) {
    return PyErr_Occurred() == NULL;
}

char CPyObject_IsTrue(PyObject *o);
PyObject *CPyObject_RichCompare(PyObject *a, PyObject *b, int op);
char CPyObject_RichCompareBool(PyObject *a, PyObject *b, int op);
char CPy_IsInstance(PyObject *o, PyObject *cls);
PyObject *CPyObject_Str(PyObject *o);
PyObject *CPyObject_Repr(PyObject *o);

/* ------------------------------------------------------------------------
 * Stack depth and pending signals (check_ops.c)
 *
 * Compiled code fails the way Python code fails, never by overflowing the
 * C stack or by ignoring Ctrl-C.
 *
 * CPy_CheckStack: 1, or 0 with RecursionError set when the stack pointer
 * is within a margin of the end of the current thread's C stack. Generated
 * code calls it on entry to every function on a cycle of direct calls, and
 * lib-rt in every generator step and CPyFunction call. Inline: one compare
 * of the stack pointer with the window [CPy_StackLow, CPy_StackLow +
 * CPy_StackSpan) of the thread that ran the last check; the slow path
 * switches the window when another thread checks (a small table of
 * threads' stack bounds, read from the OS once per thread) and raises when
 * the margin is reached.
 *
 * CPy_PollSignals: generated loops call it every few dozen iterations:
 * runs the pending signal handlers when a signal has arrived: 1, or 0 with
 * what a handler raised (KeyboardInterrupt for Ctrl-C).
 * ------------------------------------------------------------------------ */

#if defined(__GNUC__) || defined(__clang__)
/* Hidden: each library has its own copy, read without an indirection. */
#define CPY_LIBRARY_LOCAL __attribute__((visibility("hidden")))
#if defined(__x86_64__)
#define CPY_STACK_POINTER() CPy_StackPointer()
static inline uintptr_t CPy_StackPointer(void) {
    uintptr_t sp;
    __asm__("movq %%rsp, %0" : "=r"(sp));
    return sp;
}
#elif defined(__aarch64__)
#define CPY_STACK_POINTER() CPy_StackPointer()
static inline uintptr_t CPy_StackPointer(void) {
    uintptr_t sp;
    __asm__("mov %0, sp" : "=r"(sp));
    return sp;
}
#else
#define CPY_STACK_POINTER() ((uintptr_t)__builtin_frame_address(0))
#endif
#else
#define CPY_LIBRARY_LOCAL
#define CPY_STACK_POINTER() ((uintptr_t)_AddressOfReturnAddress())
#endif

extern CPY_LIBRARY_LOCAL uintptr_t CPy_StackLow;
extern CPY_LIBRARY_LOCAL uintptr_t CPy_StackSpan;
int CPy_CheckStackSlow(void);

static inline char CPy_CheckStack(void) {
    uintptr_t sp = CPY_STACK_POINTER();
    if (CPY_UNLIKELY(sp - CPy_StackLow >= CPy_StackSpan)) {
        return CPy_CheckStackSlow() == 0;
    }
    return 1;
}

char CPy_PollSignals(void);

/* ------------------------------------------------------------------------
 * Globals and imports
 * ------------------------------------------------------------------------ */

PyObject *CPyGlobals_Get(PyObject *globals, PyObject *name);

/* A call site's cache of one global name: the value found and the versions
 * of the globals dict (and, for a name found in builtins, of the builtins
 * dict) it was found in. Every change to a dict gives it a new version, so
 * while both versions match, the value is what a lookup would find, and
 * the dict still holds it (the cache's reference is borrowed). Versions
 * are the interpreter's dict version tags (3.14 dropped them: there the
 * cache is never filled). */
typedef struct {
    PyObject *globals;
    uint64_t globals_version;
    uint64_t builtins_version;
    PyObject *value;
} CPyGlobalsCache;

#if PY_VERSION_HEX < 0x030E0000 && !defined(Py_GIL_DISABLED)
#define CPY_DICT_VERSIONS 1
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
static inline uint64_t CPyDict_Version(PyObject *dict) {
    return ((PyDictObject *)dict)->ma_version_tag;
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#endif

/* The dict of the `builtins` module once a lookup has needed it. */
extern PyObject *CPy_BuiltinsDict;
PyObject *CPyGlobals_GetSlow(PyObject *globals, PyObject *name, CPyGlobalsCache *cache);

/* `CPyGlobals_Get` through the call site's cache. New ref. */
static inline PyObject *CPyGlobals_GetCached(PyObject *globals, PyObject *name,
                                             CPyGlobalsCache *cache) {
#ifdef CPY_DICT_VERSIONS
    if (CPY_LIKELY(cache->globals == globals
                   && CPyDict_Version(globals) == cache->globals_version
                   && (cache->builtins_version == 0
                       || CPyDict_Version(CPy_BuiltinsDict) == cache->builtins_version))) {
        Py_INCREF(cache->value);
        return cache->value;
    }
#endif
    return CPyGlobals_GetSlow(globals, name, cache);
}

/* A module-level Final name: the globals dict only; NameError
 * "value for final name "x" was not set" if missing. New ref. */
PyObject *CPyGlobals_GetFinal(PyObject *globals, PyObject *name);
int CPyGlobals_Set(PyObject *globals, PyObject *name, PyObject *value);
int CPyGlobals_Del(PyObject *globals, PyObject *name);
PyObject *CPyImport_Import(PyObject *fullname);
PyObject *CPyImport_ImportModule(PyObject *fullname);
PyObject *CPyImport_ImportFrom(PyObject *module, PyObject *name, PyObject *module_name);
/* Record a compiled module of this library (at creation) / forget it (when
 * its initialisation fails): importing it must give that module object. */
int CPyImport_RegisterNative(PyObject *module);
void CPyImport_UnregisterNative(PyObject *module);
int CPyImport_ImportStar(PyObject *module, PyObject *globals);

/* The `builtins` module (borrowed, cached); NULL with an exception on failure. */
PyObject *CPy_GetBuiltins(void);

/* ------------------------------------------------------------------------
 * Exceptions and tracebacks
 * ------------------------------------------------------------------------ */

#ifndef MYPYC_DECLARED_tuple_T3OOO
#define MYPYC_DECLARED_tuple_T3OOO
typedef struct tuple_T3OOO {
    PyObject *f0;
    PyObject *f1;
    PyObject *f2;
} tuple_T3OOO;
#endif

void CPy_AddTraceback(const char *filename, const char *funcname, int line,
                      PyObject *globals);
void CPy_TypeError(const char *expected, PyObject *value);
void CPy_TypeErrorTraceback(const char *filename, const char *funcname, int line,
                            PyObject *globals, const char *expected, PyObject *value);
void CPy_Raise(PyObject *exc);
void CPy_RaiseFrom(PyObject *exc, PyObject *cause);
void CPy_Reraise(void);
tuple_T3OOO CPy_CatchError(void);
void CPy_RestoreExcInfo(tuple_T3OOO info);
char CPy_ExceptionMatches(PyObject *type);
PyObject *CPy_GetExcValue(void);
void CPy_AssertFailed(PyObject *msg);
/* The handled exception as (type, value, traceback), new refs (None when
 * there is none); for calling a context manager's __exit__. */
tuple_T3OOO CPy_GetExcInfo(void);
/* Always 0: "an exception is already set, keep propagating it". */
char CPy_KeepPropagating(void);

/* Keyword arguments of a call with `**` unpacking: add one keyword, or
 * every item of a mapping, to `kwargs`; a keyword given twice raises
 * TypeError "got multiple values for keyword argument 'k'". -1 on error. */
int CPyDict_MergeKwarg(PyObject *kwargs, PyObject *key, PyObject *value);
int CPyDict_MergeKwargs(PyObject *kwargs, PyObject *mapping);

/* ---- classes built at runtime (class_ops.c) ---- */
/* Create a class the way a class statement does: find the metaclass (the
 * `meta` argument, or the most derived metaclass of the bases), call its
 * __prepare__, copy the items of `ns` into the prepared namespace in order,
 * then call metaclass(name, bases, namespace). New ref, NULL on error. */
PyObject *CPyClass_Create(PyObject *name, PyObject *bases, PyObject *ns, PyObject *meta,
                          PyObject *kwargs);

/* ------------------------------------------------------------------------
 * Argument parsing for wrappers
 * ------------------------------------------------------------------------ */

typedef struct CPyArgParser {
    const char *fname;
    const char *const *names;
    int num_pos;
    int num_required_pos;
    int num_posonly;
    int num_kwonly;
    const char *kwonly_required;
    int has_star;
    int has_star2;
    PyObject **interned;
    /* The first parameter is a method's receiver (not counted in messages). */
    int receiver;
} CPyArgParser;

int CPyArg_Parse(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                 CPyArgParser *parser, PyObject **out);

#ifdef __cplusplus
}
#endif

/* Generators and coroutines (gen_ops.c). */
typedef PyObject *(*CPyGenResume)(PyObject *gen, PyObject *sent, PyObject *exc);
typedef struct {
    PyObject_HEAD
    PyObject *env;
    CPyGenResume resume;
    PyObject *delegate;
    PyObject *name;
    int label;
    char yielded;
    char running;
    char is_coro;
    char is_agen;      /* an async generator (CPyAsyncGen_Type) */
    char body_yield;   /* the last value gen_run gave came from a `yield` of the body */
    char ag_running;   /* an asend/athrow/aclose awaitable is being iterated */
    char hooks_inited; /* sys.get_asyncgen_hooks() consulted (first iteration) */
    PyObject *ag_finalizer;
    PyObject *weakreflist;
} CPyGenObject;
extern PyTypeObject CPyGen_Type;
extern PyTypeObject CPyCoro_Type;
extern PyTypeObject CPyAsyncGen_Type;
PyObject *CPy_GetAIter(PyObject *o);
PyObject *CPy_GetANext(PyObject *o);
PyObject *CPyGen_New(PyObject *env, CPyGenResume resume, const char *name, int kind);
int CPyGen_SetDelegate(PyObject *gen, PyObject *it);
int CPy_RaiseObject(PyObject *exc);
PyObject *CPy_GetAwaitable(PyObject *o);
static inline PyObject *CPyGen_Env(PyObject *gen) {
    return ((CPyGenObject *)gen)->env;
}
static inline int CPyGen_Label(PyObject *gen) {
    return ((CPyGenObject *)gen)->label;
}
static inline void CPyGen_SetLabel(PyObject *gen, int label) {
    ((CPyGenObject *)gen)->label = label;
    ((CPyGenObject *)gen)->yielded = 1;
}

/* Star unpacking in displays and assignments. */
int CPyList_ExtendIter(PyObject *list, PyObject *iterable);
/* `a, b = iterable`: a tuple of exactly n items, or ValueError "not enough
 * values to unpack (expected n, got k)" / "too many values to unpack
 * (expected n)" (reads at most n + 1 items). */
PyObject *CPySequence_Unpack(PyObject *iterable, Py_ssize_t n);
PyObject *CPySequence_UnpackStar(PyObject *iterable, Py_ssize_t before, Py_ssize_t after);
int CPyDict_MergeMapping(PyObject *dict, PyObject *mapping);

/* Function objects of compiled functions made at runtime (gen_ops.c). */
typedef PyObject *(*CPyFunctionImpl)(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                     PyObject *kwnames);
extern PyTypeObject CPyFunction_Type;
/* `text_sig`: "name(params)\n--\n\n" with static storage, or "" (no
 * `__text_signature__`). */
PyObject *CPyFunction_New(CPyFunctionImpl impl, PyObject *env, const char *name,
                          const char *module, const char *text_sig);
/* Make a function object of an `async def` look like a Python coroutine
 * function to `inspect` (`__code__` flagged CO_COROUTINE). */
void CPyFunction_MarkCoroutine(PyObject *f);
/* Is `o` the `register` of a `functools.singledispatch` function? */
char CPy_IsSingledispatchRegister(PyObject *o);

/* `a ** b` and `a **= b` of objects (no modulo). */
static inline PyObject *CPyNumber_Power(PyObject *a, PyObject *b) {
    return PyNumber_Power(a, b, Py_None);
}
static inline PyObject *CPyNumber_InPlacePower(PyObject *a, PyObject *b) {
    return PyNumber_InPlacePower(a, b, Py_None);
}

/* Native classes (class_ops.c): instances start with a vtable pointer
 * (after the builtin base's fields, see CPyNativeExceptionObject). */
typedef void *CPyVTableItem;
typedef struct {
    PyObject_HEAD
    CPyVTableItem *vtable;
} CPyNativeObject;
/* Instances of native classes derived from builtin exceptions: the vtable
 * pointer follows the exception's fields. */
typedef struct {
    PyBaseExceptionObject base;
    CPyVTableItem *vtable;
} CPyNativeExceptionObject;
PyObject *CPyType_FromNativeSpec(PyType_Spec *spec, PyObject *bases, PyObject *ns,
                                 PyObject *attrs);
PyObject *CPyNativeClass_Decorate(PyObject *cls, PyObject *decorator, PyObject *ns);
PyObject *CPyTrait_New(void);
typedef PyObject *(*CPyFastcallFunc)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *);
PyObject *CPy_CallFastcallPrepend(CPyFastcallFunc fn, PyObject *first, PyObject *args,
                                  PyObject *kwds);
int CPy_NativeInit(PyObject *self, PyObject *args, PyObject *kwds, int has_new);
/* CPy_NativeInit where type `own` has the native `__init__` whose wrapper
 * is `init`: an instance of exactly `own` (whose `__init__` Python code
 * has not replaced) calls the wrapper directly. */
int CPy_NativeInitOwn(PyObject *self, PyObject *args, PyObject *kwds, int has_new,
                      PyObject *own, CPyFastcallFunc init);
typedef PyObject *(*CPySetupFunc)(PyObject *);
int CPyType_SetNativeConstruction(PyObject *type, newfunc tp_new, int init_in_new,
                                  CPySetupFunc setup);
PyObject *CPy_SetupNative(PyObject *cls);
PyObject *CPy_NewAbstract(PyTypeObject *type);
PyObject *CPy_CallInheritedNew(PyObject *owner, PyTypeObject *type, PyObject *args,
                               PyObject *kwds);
PyObject *CPy_CallReverseOpMethod(PyObject *left, PyObject *right, const char *op,
                                  const char *method);
/* Native classes derived from builtin exceptions (their instances start
 * with a PyBaseExceptionObject): allocation as BaseException.__new__ does
 * it (empty `args`), the exception's `args`, and its GC fields. */
PyObject *CPyException_Alloc(PyTypeObject *type);
static inline void CPyException_SetArgs(PyObject *self, PyObject *args) {
    if (args != NULL) {
        Py_INCREF(args);
        Py_XSETREF(((PyBaseExceptionObject *)self)->args, args);
    }
}
int CPyException_Traverse(PyObject *self, visitproc visit, void *arg);
void CPyException_Clear(PyObject *self);
/* isinstance() with a native class (NULL before its class statement ran). */
static inline char CPy_TypeCheck(PyObject *o, PyObject *type) {
    return type != NULL && PyObject_TypeCheck(o, (PyTypeObject *)type);
}

/* `match` statements (match_ops.c). */
char CPyMatch_IsNoMatch(PyObject *o);
PyObject *CPyMatch_Sequence(PyObject *subject, Py_ssize_t before, Py_ssize_t after, int star);
char CPyMatch_IsMapping(PyObject *subject);
PyObject *CPyMatch_MappingGet(PyObject *subject, PyObject *key);
PyObject *CPyMatch_MappingRest(PyObject *subject, PyObject *keys);
PyObject *CPyMatch_Class(PyObject *subject, PyObject *cls, Py_ssize_t npos, PyObject *kwnames);

/* mypy_extensions native integers (native_int_ops.c). Results are the
 * type's error value (-113; 239 for u8) with an exception set on failure. */
#define CPY_NATIVE_INT_DECLS(NAME, CTYPE, MIN, MAX)                               \
    CTYPE CPyLong_As##NAME(PyObject *o);                                          \
    CTYPE CPyObject_As##NAME##Slow(PyObject *o);                                  \
    CTYPE CPyTagged_As##NAME(CPyTagged x);                                        \
    CTYPE CPyFloat_To##NAME(double d);                                            \
    CTYPE CPy##NAME##_Divide(CTYPE x, CTYPE y);                                   \
    CTYPE CPy##NAME##_Remainder(CTYPE x, CTYPE y);                                \
    /* Unboxing: small ints in range without a call. */                          \
    static inline CTYPE CPyObject_As##NAME(PyObject *o) {                         \
        Py_ssize_t v;                                                             \
        if (CPY_LIKELY(PyLong_Check(o) && CPyLong_SmallValue(o, &v) &&            \
                       (long long)v >= (long long)(MIN) &&                        \
                       (long long)v <= (long long)(MAX))) {                       \
            return (CTYPE)v;                                                      \
        }                                                                         \
        return CPyObject_As##NAME##Slow(o);                                       \
    }
CPY_NATIVE_INT_DECLS(Int64, int64_t, INT64_MIN, INT64_MAX)
CPY_NATIVE_INT_DECLS(Int32, int32_t, INT32_MIN, INT32_MAX)
CPY_NATIVE_INT_DECLS(Int16, int16_t, INT16_MIN, INT16_MAX)
CPY_NATIVE_INT_DECLS(UInt8, uint8_t, 0, 255)

/* Walking a dict or its views in a `for` loop (dict_iter.c). */
PyObject *CPyDictWalk_Keys(PyObject *d);
PyObject *CPyDictWalk_Values(PyObject *d);
PyObject *CPyDictWalk_Items(PyObject *d);
PyObject *CPyDictWalk_Next(PyObject *walk);
PyObject *CPyDictWalk_Value(PyObject *walk);

/* ------------------------------------------------------------------------
 * Builtin functions, the `math` module, and methods of builtin types
 * (builtin_ops.c, math_ops.c, list_ops.c, dict_ops.c, str_methods.c).
 *
 * The primitive registry maps calls such as `min(a, b)`, `math.sqrt(x)` or
 * `xs.insert(i, v)` here. Each helper gives exactly the interpreter's
 * result: receivers that are subclasses of the builtin type call the
 * (possibly overridden) method itself, and cases whose outcome depends on
 * the running CPython version (error messages, special values) are handed
 * to the interpreter's own function.
 *
 * Methods that return None in Python return `char`: 1 (the unboxed None)
 * or 2 with an exception set.
 * ------------------------------------------------------------------------ */

/* obj.<name>(args...) with a C string name and n borrowed arguments. */
PyObject *CPy_CallMethodName(PyObject *obj, const char *name, Py_ssize_t nargs, ...);
/* The None-method result of a call result (stolen): 1, or 2 for NULL. */
char CPy_NoneResult(PyObject *r);

/* min()/max() of two values: CPython compares the second with the first
 * (`b < a` for min, `b > a` for max) and keeps the first on ties. */
static inline CPyTagged CPyTagged_Min(CPyTagged a, CPyTagged b) {
    CPyTagged r = CPyTagged_IsLt(b, a) ? b : a;
    CPyTagged_INCREF(r);
    return r;
}
static inline CPyTagged CPyTagged_Max(CPyTagged a, CPyTagged b) {
    CPyTagged r = CPyTagged_IsLt(a, b) ? b : a;
    CPyTagged_INCREF(r);
    return r;
}
static inline double CPyFloat_Min(double a, double b) {
    return b < a ? b : a;
}
static inline double CPyFloat_Max(double a, double b) {
    return b > a ? b : a;
}
static inline char CPyBool_Min(char a, char b) {
    return b < a ? b : a;
}
static inline char CPyBool_Max(char a, char b) {
    return b > a ? b : a;
}
static inline int64_t CPyInt64_Min(int64_t a, int64_t b) {
    return b < a ? b : a;
}
static inline int64_t CPyInt64_Max(int64_t a, int64_t b) {
    return b > a ? b : a;
}
static inline int32_t CPyInt32_Min(int32_t a, int32_t b) {
    return b < a ? b : a;
}
static inline int32_t CPyInt32_Max(int32_t a, int32_t b) {
    return b > a ? b : a;
}
PyObject *CPyObject_Min(PyObject *a, PyObject *b);
PyObject *CPyObject_Max(PyObject *a, PyObject *b);
/* min/max of an int and a float, as the float the result is stored as
 * (the comparison is Python's exact int/float comparison). */
double CPyFloat_MinIntFloat(CPyTagged a, double b);
double CPyFloat_MinFloatInt(double a, CPyTagged b);
double CPyFloat_MaxIntFloat(CPyTagged a, double b);
double CPyFloat_MaxFloatInt(double a, CPyTagged b);

/* A new reference to the same int (`math.floor(i)`, `round(i)`). */
static inline CPyTagged CPyTagged_Copy(CPyTagged x) {
    CPyTagged_INCREF(x);
    return x;
}
static inline double CPyFloat_Abs(double x) {
    return fabs(x);
}
static inline char CPyTagged_IsTrue(CPyTagged x) {
    return x != 0;
}
static inline char CPyFloat_IsTrue(double x) {
    return x != 0.0;
}
PyObject *CPyStr_Chr(CPyTagged x);
CPyTagged CPyObject_Hash(PyObject *o);
CPyTagged CPyTagged_Id(PyObject *o);
PyObject *CPyObject_GetAttr3(PyObject *o, PyObject *name, PyObject *fallback);

/* A call site's cache of an attribute read from a class object (`E.member`
 * of a class the checker does not know, e.g. an enum of an untyped
 * module): the class (a strong reference), its version tag and its
 * metaclass's, and the value, a plain object (no `__get__`) found in the
 * class's MRO. Changing the class, a base or the metaclass gives it a new
 * version tag, so while both tags match, the value is what the lookup
 * would return and the class still holds it. */
typedef struct {
    PyObject *cls;
    unsigned int cls_version;
    unsigned int meta_version;
    PyObject *value;
} CPyClassAttrCache;

PyObject *CPyObject_GetAttrSlow(PyObject *obj, PyObject *name, CPyClassAttrCache *cache);

/* `getattr(obj, name)` through the call site's cache. New ref. */
static inline PyObject *CPyObject_GetAttrCached(PyObject *obj, PyObject *name,
                                                CPyClassAttrCache *cache) {
    if (obj == cache->cls
            && ((PyTypeObject *)obj)->tp_version_tag == cache->cls_version
            && Py_TYPE(obj)->tp_version_tag == cache->meta_version) {
        Py_INCREF(cache->value);
        return cache->value;
    }
    if (!PyType_Check(obj)) {
        return PyObject_GetAttr(obj, name);
    }
    return CPyObject_GetAttrSlow(obj, name, cache);
}
char CPyObject_HasAttr(PyObject *o, PyObject *name);
char CPyObject_SetAttrNone(PyObject *o, PyObject *name, PyObject *value);
PyObject *CPySequence_Sorted(PyObject *iterable);
static inline PyObject *CPyList_Empty(void) {
    return PyList_New(0);
}
static inline PyObject *CPySet_Empty(void) {
    return PySet_New(NULL);
}

/* math (math_ops.c); floats are returned as they are, -113.0 with an
 * exception on failure. Int arguments were converted to float before. */
double CPyMath_Sqrt(double x);
double CPyMath_Sin(double x);
double CPyMath_Cos(double x);
double CPyMath_Tan(double x);
double CPyMath_Asin(double x);
double CPyMath_Acos(double x);
double CPyMath_Atan(double x);
double CPyMath_Exp(double x);
double CPyMath_Log(double x);
double CPyMath_Log10(double x);
double CPyMath_Log2(double x);
/* log of an int, which may be too large for a float. */
double CPyMath_LogInt(CPyTagged x);
double CPyMath_Log10Int(CPyTagged x);
double CPyMath_Log2Int(CPyTagged x);
double CPyMath_Pow(double x, double y);
double CPyMath_Atan2(double y, double x);
double CPyMath_Fmod(double x, double y);
static inline double CPyMath_Copysign(double x, double y) {
    return copysign(x, y);
}
static inline double CPyMath_Degrees(double x) {
    return x * (180.0 / Py_MATH_PI);
}
static inline double CPyMath_Radians(double x) {
    return x * (Py_MATH_PI / 180.0);
}
static inline char CPyMath_IsInf(double x) {
    return isinf(x) != 0;
}
static inline char CPyMath_IsNaN(double x) {
    return isnan(x) != 0;
}
static inline char CPyMath_IsFinite(double x) {
    return isfinite(x) != 0;
}

/* list methods (list_ops.c) */
char CPyList_AppendSlow(PyObject *list, PyObject *v);
static inline char CPyList_AppendMethod(PyObject *list, PyObject *v) {
    if (CPY_LIKELY(PyList_CheckExact(list))) {
        return CPyList_Append(list, v) < 0 ? 2 : 1;
    }
    return CPyList_AppendSlow(list, v);
}
char CPyList_ExtendMethod(PyObject *list, PyObject *iterable);
char CPyList_Insert(PyObject *list, CPyTagged index, PyObject *v);
char CPyList_Remove(PyObject *list, PyObject *v);
CPyTagged CPyList_Index(PyObject *list, PyObject *v);
CPyTagged CPyList_Count(PyObject *list, PyObject *v);
char CPyList_Reverse(PyObject *list);
char CPyList_Sort(PyObject *list);
char CPyList_Clear(PyObject *list);
PyObject *CPyList_Copy(PyObject *list);

/* dict and set methods (dict_ops.c) */
PyObject *CPyDict_GetWithNone(PyObject *dict, PyObject *key);
PyObject *CPyDict_SetDefault(PyObject *dict, PyObject *key, PyObject *value);
PyObject *CPyDict_SetDefaultWithNone(PyObject *dict, PyObject *key);
PyObject *CPyDict_Pop(PyObject *dict, PyObject *key);
PyObject *CPyDict_PopDefault(PyObject *dict, PyObject *key, PyObject *fallback);
PyObject *CPyDict_Copy(PyObject *dict);
char CPyDict_Clear(PyObject *dict);
char CPyDict_Update(PyObject *dict, PyObject *other);
char CPySet_Add(PyObject *set, PyObject *key);
char CPySet_Discard(PyObject *set, PyObject *key);
char CPySet_Remove(PyObject *set, PyObject *key);
PyObject *CPySet_Pop(PyObject *set);
char CPySet_Clear(PyObject *set);

/* str methods (str_methods.c) */
int CPyStr_Contains(PyObject *s, PyObject *sub);
char CPyStr_Startswith(PyObject *s, PyObject *prefix);
char CPyStr_Endswith(PyObject *s, PyObject *suffix);
char CPyStr_StartswithTuple(PyObject *s, PyObject *prefixes);
char CPyStr_EndswithTuple(PyObject *s, PyObject *suffixes);
PyObject *CPyStr_Removeprefix(PyObject *s, PyObject *prefix);
PyObject *CPyStr_Removesuffix(PyObject *s, PyObject *suffix);
CPyTagged CPyStr_Find(PyObject *s, PyObject *sub);
CPyTagged CPyStr_FindFrom(PyObject *s, PyObject *sub, CPyTagged start);
CPyTagged CPyStr_FindRange(PyObject *s, PyObject *sub, CPyTagged start, CPyTagged end);
CPyTagged CPyStr_RFind(PyObject *s, PyObject *sub);
CPyTagged CPyStr_Index(PyObject *s, PyObject *sub);
CPyTagged CPyStr_RIndex(PyObject *s, PyObject *sub);
CPyTagged CPyStr_Count(PyObject *s, PyObject *sub);
PyObject *CPyStr_Split(PyObject *s);
PyObject *CPyStr_SplitSep(PyObject *s, PyObject *sep);
PyObject *CPyStr_SplitMax(PyObject *s, PyObject *sep, CPyTagged maxsplit);
PyObject *CPyStr_RSplit(PyObject *s);
PyObject *CPyStr_RSplitSep(PyObject *s, PyObject *sep);
PyObject *CPyStr_RSplitMax(PyObject *s, PyObject *sep, CPyTagged maxsplit);
PyObject *CPyStr_Splitlines(PyObject *s);
PyObject *CPyStr_Strip(PyObject *s);
PyObject *CPyStr_LStrip(PyObject *s);
PyObject *CPyStr_RStrip(PyObject *s);
PyObject *CPyStr_StripChars(PyObject *s, PyObject *chars);
PyObject *CPyStr_LStripChars(PyObject *s, PyObject *chars);
PyObject *CPyStr_RStripChars(PyObject *s, PyObject *chars);
PyObject *CPyStr_Replace(PyObject *s, PyObject *old, PyObject *new_);
PyObject *CPyStr_ReplaceCount(PyObject *s, PyObject *old, PyObject *new_, CPyTagged count);
PyObject *CPyStr_Upper(PyObject *s);
PyObject *CPyStr_Lower(PyObject *s);
char CPyStr_IsDigit(PyObject *s);
char CPyStr_IsAlpha(PyObject *s);
char CPyStr_IsAlnum(PyObject *s);
char CPyStr_IsSpace(PyObject *s);
char CPyStr_IsDecimal(PyObject *s);
char CPyStr_IsNumeric(PyObject *s);
char CPyStr_IsUpper(PyObject *s);
char CPyStr_IsLower(PyObject *s);
char CPyStr_IsAscii(PyObject *s);
PyObject *CPyStr_Encode(PyObject *s);
PyObject *CPyStr_EncodeWith(PyObject *s, PyObject *encoding);
PyObject *CPyStr_EncodeWithErrors(PyObject *s, PyObject *encoding, PyObject *errors);

#endif /* CPY_CPY_H */
