/*
 * float_ops.c: operations on unboxed floats (C double).
 *
 * Owns Python-semantics float division, modulo and power, unboxing (with
 * the PEP 484 numeric tower: an int is accepted where a float is expected),
 * and float -> int conversions (round, floor, ceil).
 *
 * Error cases (zero divisors, overflow, complex results) are handed to the
 * interpreter's own float operations so that the exception type and message
 * are exactly those of the running CPython version. Every function returns
 * CPY_FLOAT_ERROR (-113.0) with an exception set on failure.
 */
#include "CPy.h"

#include <math.h>

/* Run a PyNumber operation on boxed floats and unbox the float result. */
static double cpy_float_binary_slow(double a, double b,
                                    PyObject *(*op)(PyObject *, PyObject *)) {
    PyObject *x = PyFloat_FromDouble(a);
    if (x == NULL) {
        return CPY_FLOAT_ERROR;
    }
    PyObject *y = PyFloat_FromDouble(b);
    if (y == NULL) {
        Py_DECREF(x);
        return CPY_FLOAT_ERROR;
    }
    PyObject *r = op(x, y);
    Py_DECREF(x);
    Py_DECREF(y);
    if (r == NULL) {
        return CPY_FLOAT_ERROR;
    }
    double d = CPyFloat_FromObject(r);
    Py_DECREF(r);
    return d;
}

static PyObject *cpy_number_power(PyObject *x, PyObject *y) {
    return PyNumber_Power(x, y, Py_None);
}

/* Only a zero divisor gets here: the interpreter raises its own error. */
double CPyFloat_TrueDivideSlow(double a, double b) {
    return cpy_float_binary_slow(a, b, PyNumber_TrueDivide);
}

double CPyFloat_Remainder(double a, double b) {
    if (CPY_UNLIKELY(b == 0.0)) {
        return cpy_float_binary_slow(a, b, PyNumber_Remainder);
    }
    double mod = fmod(a, b);
    if (mod != 0.0) {
        /* The result takes the sign of the divisor. */
        if ((b < 0.0) != (mod < 0.0)) {
            mod += b;
        }
    } else {
        mod = copysign(0.0, b);
    }
    return mod;
}

double CPyFloat_FloorDivide(double a, double b) {
    if (CPY_UNLIKELY(b == 0.0)) {
        return cpy_float_binary_slow(a, b, PyNumber_FloorDivide);
    }
    /* Derive the quotient from the exact remainder, as Python does, so that
     * a == b * (a // b) + a % b holds as closely as floats allow. */
    double mod = fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0.0 && ((b < 0.0) != (mod < 0.0))) {
        div -= 1.0;
    }
    if (div == 0.0) {
        return copysign(0.0, a / b);
    }
    double floordiv = floor(div);
    if (div - floordiv > 0.5) {
        floordiv += 1.0;
    }
    return floordiv;
}

double CPyFloat_Pow(double a, double b) {
    /* A positive finite base with a finite exponent is real-valued and
     * error-free unless the result overflows. */
    if (a > 0.0 && isfinite(a) && isfinite(b)) {
        double r = pow(a, b);
        if (isfinite(r)) {
            return r;
        }
    }
    return cpy_float_binary_slow(a, b, cpy_number_power);
}

double CPyFloat_FromObject(PyObject *o) {
    if (CPY_LIKELY(PyFloat_Check(o))) {
        return PyFloat_AS_DOUBLE(o);
    }
    if (PyLong_Check(o)) {
        double d = PyLong_AsDouble(o);
        if (d == -1.0 && PyErr_Occurred()) {
            return CPY_FLOAT_ERROR;
        }
        return d;
    }
    CPy_TypeError("float", o);
    return CPY_FLOAT_ERROR;
}

double CPyFloat_FromAny(PyObject *o) {
    if (PyFloat_CheckExact(o)) {
        return PyFloat_AS_DOUBLE(o);
    }
    PyObject *f = PyNumber_Float(o);
    if (f == NULL) {
        return CPY_FLOAT_ERROR;
    }
    double d = PyFloat_AS_DOUBLE(f);
    Py_DECREF(f);
    return d;
}

PyObject *CPyFloat_Str(double x) {
    PyObject *f = PyFloat_FromDouble(x);
    if (f == NULL) {
        return NULL;
    }
    PyObject *s = PyObject_Str(f);
    Py_DECREF(f);
    return s;
}

CPyTagged CPyFloat_Round(double x) {
    /* round(x): to nearest, ties to even. */
    double r = round(x);
    if (fabs(x - r) == 0.5) {
        r = 2.0 * round(x / 2.0);
    }
    return CPyTagged_FromFloat(r);
}

CPyTagged CPyFloat_Floor(double x) {
    return CPyTagged_FromFloat(floor(x));
}

CPyTagged CPyFloat_Ceil(double x) {
    return CPyTagged_FromFloat(ceil(x));
}
