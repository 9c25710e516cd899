/*
 * int_ops.c: tagged integers (CPyTagged) out of line.
 *
 * Owns boxing/unboxing between CPyTagged and Python ints, the slow paths of
 * the inline arithmetic in CPy.h (boxed operands, short-range overflow,
 * division by zero), comparisons involving boxed ints, and conversions
 * between ints, floats and strings.
 *
 * Invariant kept by every function here: a value that fits in
 * [CPY_TAGGED_MIN, CPY_TAGGED_MAX] is always returned in the short form, so
 * equal values have equal representations and the inline fast paths apply.
 * Slow paths delegate to the PyNumber API, which gives exact Python
 * semantics and the running interpreter's own error messages.
 */
#include "CPy.h"

#include <math.h>

/* ---- boxing ---------------------------------------------------------- */

CPyTagged CPyTagged_FromSsize_tSlow(Py_ssize_t v) {
    PyObject *o = PyLong_FromSsize_t(v);
    if (o == NULL) {
        return CPY_INT_TAG;
    }
    return (CPyTagged)o | CPY_INT_TAG;
}

CPyTagged CPyTagged_FromInt64Slow(int64_t v) {
    if (v >= CPY_TAGGED_MIN && v <= CPY_TAGGED_MAX) {
        return CPyTagged_ShortFromSsize_t((Py_ssize_t)v);
    }
    PyObject *o = PyLong_FromLongLong((long long)v);
    if (o == NULL) {
        return CPY_INT_TAG;
    }
    return (CPyTagged)o | CPY_INT_TAG;
}

/* The short form of a Python int if it fits; returns 0 when it does not. */
static int cpy_long_as_short(PyObject *o, CPyTagged *out) {
#if PY_VERSION_HEX >= 0x030C0000
    /* Compact ints have one 30-bit digit: always in the short range. */
    if (PyUnstable_Long_IsCompact((PyLongObject *)o)) {
        *out = CPyTagged_ShortFromSsize_t(PyUnstable_Long_CompactValue((PyLongObject *)o));
        return 1;
    }
#endif
    /* Cannot fail for an int: too-large values only report `overflow`. */
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow != 0 || v < CPY_TAGGED_MIN || v > CPY_TAGGED_MAX) {
        return 0;
    }
    *out = CPyTagged_ShortFromSsize_t((Py_ssize_t)v);
    return 1;
}

CPyTagged CPyTagged_FromObjectSlow(PyObject *o) {
    CPyTagged r;
    if (cpy_long_as_short(o, &r)) {
        return r;
    }
    Py_INCREF(o);
    return (CPyTagged)o | CPY_INT_TAG;
}

CPyTagged CPyTagged_StealFromObjectSlow(PyObject *o) {
    CPyTagged r;
    if (cpy_long_as_short(o, &r)) {
        Py_DECREF(o);
        return r;
    }
    return (CPyTagged)o | CPY_INT_TAG;
}

CPyTagged CPyTagged_BorrowFromObjectSlow(PyObject *o) {
    CPyTagged r;
    if (cpy_long_as_short(o, &r)) {
        return r;
    }
    return (CPyTagged)o | CPY_INT_TAG;
}

PyObject *CPy_SmallInts[CPY_SMALL_INT_COUNT];

PyObject *CPyLong_FromLongLongSlow(long long v) {
    PyObject *o = PyLong_FromLongLong(v);
    unsigned long long i = (unsigned long long)v - (unsigned long long)CPY_SMALL_INT_MIN;
    if (i < CPY_SMALL_INT_COUNT && o != NULL && CPy_SmallInts[i] == NULL) {
        /* The interpreter's own cached object, or (above 256) a new one:
         * keep a reference for good. */
        Py_INCREF(o);
        CPy_SmallInts[i] = o;
    }
    return o;
}

Py_ssize_t CPyTagged_AsSsize_t(CPyTagged x) {
    if (CPyTagged_CheckShort(x)) {
        return CPyTagged_ShortAsSsize_t(x);
    }
    return PyLong_AsSsize_t(CPyTagged_LongAsObject(x));
}

Py_ssize_t CPyTagged_LongAsSliceIndex(CPyTagged x) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(CPyTagged_LongAsObject(x), &overflow);
    if (overflow < 0 || (overflow == 0 && v < PY_SSIZE_T_MIN)) {
        return PY_SSIZE_T_MIN;
    }
    if (overflow > 0 || v > PY_SSIZE_T_MAX) {
        return PY_SSIZE_T_MAX;
    }
    return (Py_ssize_t)v;
}

/* ---- generic slow paths ---------------------------------------------- */

/* Apply a PyNumber binary operation to boxed operands; normalized result. */
static CPyTagged cpy_binary_op(CPyTagged a, CPyTagged b,
                               PyObject *(*op)(PyObject *, PyObject *)) {
    PyObject *x = CPyTagged_AsObject(a);
    if (x == NULL) {
        return CPY_INT_TAG;
    }
    PyObject *y = CPyTagged_AsObject(b);
    if (y == NULL) {
        Py_DECREF(x);
        return CPY_INT_TAG;
    }
    PyObject *r = op(x, y);
    Py_DECREF(x);
    Py_DECREF(y);
    if (r == NULL) {
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(r);
}

static CPyTagged cpy_unary_op(CPyTagged a, PyObject *(*op)(PyObject *)) {
    PyObject *x = CPyTagged_AsObject(a);
    if (x == NULL) {
        return CPY_INT_TAG;
    }
    PyObject *r = op(x);
    Py_DECREF(x);
    if (r == NULL) {
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(r);
}

CPyTagged CPyTagged_AddSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_Add);
}

CPyTagged CPyTagged_SubtractSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_Subtract);
}

CPyTagged CPyTagged_MultiplySlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_Multiply);
}

CPyTagged CPyTagged_FloorDivideSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_FloorDivide);
}

CPyTagged CPyTagged_RemainderSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_Remainder);
}

CPyTagged CPyTagged_AndSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_And);
}

CPyTagged CPyTagged_OrSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_Or);
}

CPyTagged CPyTagged_XorSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_Xor);
}

CPyTagged CPyTagged_LshiftSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_Lshift);
}

CPyTagged CPyTagged_RshiftSlow(CPyTagged a, CPyTagged b) {
    return cpy_binary_op(a, b, PyNumber_Rshift);
}

CPyTagged CPyTagged_NegateSlow(CPyTagged a) {
    return cpy_unary_op(a, PyNumber_Negative);
}

CPyTagged CPyTagged_InvertSlow(CPyTagged a) {
    return cpy_unary_op(a, PyNumber_Invert);
}

CPyTagged CPyTagged_AbsSlow(CPyTagged a) {
    return cpy_unary_op(a, PyNumber_Absolute);
}

PyObject *CPyTagged_Power(CPyTagged a, CPyTagged b) {
    PyObject *x = CPyTagged_AsObject(a);
    if (x == NULL) {
        return NULL;
    }
    PyObject *y = CPyTagged_AsObject(b);
    if (y == NULL) {
        Py_DECREF(x);
        return NULL;
    }
    PyObject *r = PyNumber_Power(x, y, Py_None);
    Py_DECREF(x);
    Py_DECREF(y);
    return r;
}

/* ---- comparisons ----------------------------------------------------- */

/* Compare with boxed operands; ints cannot fail to compare, so a failure
 * here can only be a MemoryError while boxing, reported as "false". */
static char cpy_compare(CPyTagged a, CPyTagged b, int op) {
    PyObject *x = CPyTagged_AsObject(a);
    PyObject *y = CPyTagged_AsObject(b);
    int r = 0;
    if (x != NULL && y != NULL) {
        r = PyObject_RichCompareBool(x, y, op);
    }
    Py_XDECREF(x);
    Py_XDECREF(y);
    return r > 0;
}

char CPyTagged_IsEqSlow(CPyTagged a, CPyTagged b) {
    if (a == b) {
        return 1;
    }
    /* Normalized values: a short and a boxed int are never equal. */
    if (CPyTagged_CheckShort(a) || CPyTagged_CheckShort(b)) {
        return 0;
    }
    return cpy_compare(a, b, Py_EQ);
}

char CPyTagged_IsLtSlow(CPyTagged a, CPyTagged b) {
    return cpy_compare(a, b, Py_LT);
}

/* ---- conversions ----------------------------------------------------- */

double CPyTagged_TrueDivide(CPyTagged a, CPyTagged b) {
    /* Ints below 2**53 in magnitude convert to double exactly, so a single
     * IEEE division is correctly rounded, as Python's int / int is. */
    const Py_ssize_t exact = (Py_ssize_t)1 << 53;
    if (CPyTagged_CheckShort(a) && CPyTagged_CheckShort(b) && b != 0) {
        Py_ssize_t x = CPyTagged_ShortAsSsize_t(a);
        Py_ssize_t y = CPyTagged_ShortAsSsize_t(b);
        if (x > -exact && x < exact && y > -exact && y < exact) {
            return (double)x / (double)y;
        }
    }
    PyObject *x = CPyTagged_AsObject(a);
    if (x == NULL) {
        return CPY_FLOAT_ERROR;
    }
    PyObject *y = CPyTagged_AsObject(b);
    if (y == NULL) {
        Py_DECREF(x);
        return CPY_FLOAT_ERROR;
    }
    PyObject *r = PyNumber_TrueDivide(x, y);
    Py_DECREF(x);
    Py_DECREF(y);
    if (r == NULL) {
        return CPY_FLOAT_ERROR;
    }
    double d = PyFloat_AsDouble(r);
    Py_DECREF(r);
    return d;
}

PyObject *CPyTagged_Str(CPyTagged x) {
    if (CPyTagged_CheckShort(x)) {
        /* The decimal digits of a short int, written straight into an
         * ASCII str. */
        Py_ssize_t v = CPyTagged_ShortAsSsize_t(x);
        size_t magnitude = v < 0 ? (size_t)0 - (size_t)v : (size_t)v;
        char digits[24];
        int n = 0;
        do {
            digits[n++] = (char)('0' + magnitude % 10);
            magnitude /= 10;
        } while (magnitude != 0);
        int sign = v < 0;
        PyObject *s = PyUnicode_New(n + sign, 127);
        if (s == NULL) {
            return NULL;
        }
        Py_UCS1 *out = PyUnicode_1BYTE_DATA(s);
        if (sign) {
            *out++ = '-';
        }
        while (n > 0) {
            *out++ = (Py_UCS1)digits[--n];
        }
        return s;
    }
    return PyObject_Str(CPyTagged_LongAsObject(x));
}

double CPyTagged_AsDoubleSlow(CPyTagged x) {
    double d = PyLong_AsDouble(CPyTagged_LongAsObject(x));
    if (d == -1.0 && PyErr_Occurred()) {
        return CPY_FLOAT_ERROR;
    }
    return d;
}

CPyTagged CPyTagged_FromFloat(double d) {
    /* (double)CPY_TAGGED_MAX rounds up to a power of two, so the strict
     * comparisons keep the truncated value in range; NaN fails both. */
    if (d < (double)CPY_TAGGED_MAX && d > (double)CPY_TAGGED_MIN) {
        return CPyTagged_ShortFromSsize_t((Py_ssize_t)d);
    }
    PyObject *o = PyLong_FromDouble(d);
    if (o == NULL) {
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(o);
}

CPyTagged CPyLong_FromStr(PyObject *s) {
    PyObject *o = PyLong_FromUnicodeObject(s, 10);
    if (o == NULL) {
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(o);
}

CPyTagged CPyLong_FromStrWithBase(PyObject *s, CPyTagged base) {
    /* Call int(s, base) itself for its exact base validation and messages. */
    PyObject *b = CPyTagged_AsObject(base);
    if (b == NULL) {
        return CPY_INT_TAG;
    }
    PyObject *o = PyObject_CallFunctionObjArgs((PyObject *)&PyLong_Type, s, b, NULL);
    Py_DECREF(b);
    if (o == NULL) {
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(o);
}

CPyTagged CPyTagged_FromAny(PyObject *o) {
    if (PyLong_CheckExact(o)) {
        return CPyTagged_FromObject(o);
    }
    PyObject *r = PyNumber_Long(o);
    if (r == NULL) {
        return CPY_INT_TAG;
    }
    if (!PyLong_CheckExact(r)) {
        /* int subclass from __int__/__index__: int(o) yields an exact int. */
        PyObject *exact = PyNumber_Long(r);
        Py_DECREF(r);
        if (exact == NULL) {
            return CPY_INT_TAG;
        }
        r = exact;
    }
    return CPyTagged_StealFromObject(r);
}
