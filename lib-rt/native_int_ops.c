/* mypy_extensions native integer types (i64, i32, i16, u8): conversions
 * from and to Python ints (tagged or boxed) and floats with range checks,
 * and floor division / remainder with Python semantics.
 *
 * Errors: every function returning a native integer returns the type's
 * error value (-113, or 239 for u8) with an exception set; callers check
 * PyErr_Occurred() since the error value is also a valid value. Out of
 * range conversions raise ValueError (as mypyc does), division by zero
 * ZeroDivisionError, MIN // -1 OverflowError. */

#include "CPy.h"

static void CPyNative_RangeError(const char *name) {
    if (name[0] == 'u') {
        PyErr_Format(PyExc_ValueError, "int too large or small to convert to %s", name);
    } else {
        PyErr_Format(PyExc_ValueError, "int too large to convert to %s", name);
    }
}

static void CPyNative_ZeroDivision(void) {
    PyErr_SetString(PyExc_ZeroDivisionError, "integer division or modulo by zero");
}

/* Define the conversions and arithmetic helpers of one native type. */
#define CPY_NATIVE_INT_OPS(NAME, CTYPE, MIN, MAX, ERR, PYNAME)                      \
    CTYPE CPyLong_As##NAME(PyObject *o) {                                          \
        int overflow = 0;                                                          \
        long long v = PyLong_AsLongLongAndOverflow(o, &overflow);                  \
        if (v == -1 && PyErr_Occurred()) {                                         \
            return ERR;                                                            \
        }                                                                          \
        if (overflow != 0 || v < (long long)(MIN) || v > (long long)(MAX)) {       \
            CPyNative_RangeError(PYNAME);                                          \
            return ERR;                                                            \
        }                                                                          \
        return (CTYPE)v;                                                           \
    }                                                                              \
    CTYPE CPyObject_As##NAME##Slow(PyObject *o) {                                  \
        if (!PyLong_Check(o)) {                                          \
            CPy_TypeError(PYNAME, o);                                              \
            return ERR;                                                            \
        }                                                                          \
        return CPyLong_As##NAME(o);                                                \
    }                                                                              \
    CTYPE CPyTagged_As##NAME(CPyTagged x) {                                        \
        if (CPyTagged_CheckShort(x)) {                                     \
            Py_ssize_t v = CPyTagged_ShortAsSsize_t(x);                            \
            if (((long long)v >= (long long)(MIN) &&                                 \
                       (long long)v <= (long long)(MAX))) {                        \
                return (CTYPE)v;                                                   \
            }                                                                      \
            CPyNative_RangeError(PYNAME);                                          \
            return ERR;                                                            \
        }                                                                          \
        return CPyLong_As##NAME(CPyTagged_LongAsObject(x));                        \
    }                                                                              \
    CTYPE CPyFloat_To##NAME(double d) {                                            \
        /* Exact bounds: MIN - 1 < d < MAX + 1 (both powers of two or small). */  \
        if (d > (double)(MIN) - 1.0 && d < (double)(MAX) + 1.0) {                  \
            return (CTYPE)(long long)d;                                            \
        }                                                                          \
        PyObject *o = PyLong_FromDouble(d);                                        \
        if (o == NULL) {                                                           \
            return ERR;                                                            \
        }                                                                          \
        CTYPE r = CPyLong_As##NAME(o);                                             \
        Py_DECREF(o);                                                              \
        return r;                                                                  \
    }                                                                              \
    CTYPE CPy##NAME##_Divide(CTYPE x, CTYPE y) {                                   \
        if (y == 0) {                                                    \
            CPyNative_ZeroDivision();                                              \
            return ERR;                                                            \
        }                                                                          \
        if ((MIN) < 0 && x == (CTYPE)(MIN) && y == (CTYPE)-1) {          \
            PyErr_SetString(PyExc_OverflowError, "integer division overflow");     \
            return ERR;                                                            \
        }                                                                          \
        CTYPE d = (CTYPE)(x / y);                                                  \
        if (((x < 0) != (y < 0)) && (CTYPE)(d * y) != x) {                         \
            d--;                                                                   \
        }                                                                          \
        return d;                                                                  \
    }                                                                              \
    CTYPE CPy##NAME##_Remainder(CTYPE x, CTYPE y) {                                \
        if (y == 0) {                                                    \
            CPyNative_ZeroDivision();                                              \
            return ERR;                                                            \
        }                                                                          \
        if ((MIN) < 0 && y == (CTYPE)-1) {                                         \
            return 0;                                                              \
        }                                                                          \
        CTYPE r = (CTYPE)(x % y);                                                  \
        if (r != 0 && ((x < 0) != (y < 0))) {                                      \
            r = (CTYPE)(r + y);                                                    \
        }                                                                          \
        return r;                                                                  \
    }

CPY_NATIVE_INT_OPS(Int64, int64_t, INT64_MIN, INT64_MAX, -113, "i64")
CPY_NATIVE_INT_OPS(Int32, int32_t, INT32_MIN, INT32_MAX, -113, "i32")
CPY_NATIVE_INT_OPS(Int16, int16_t, INT16_MIN, INT16_MAX, -113, "i16")
CPY_NATIVE_INT_OPS(UInt8, uint8_t, 0, 255, 239, "u8")
