/*
 * math_ops.c: functions of the `math` module on unboxed floats.
 *
 * On the inputs where CPython's math module does nothing but call the C
 * library function (finite arguments inside the domain, a finite result),
 * these call the same function, so results are bit-identical. Every other
 * input (infinities, NaNs, domain and range errors) is handed to the math
 * module itself: special values, exception types and messages are then
 * those of the running CPython version (3.14 words domain errors
 * differently from 3.11). All return CPY_FLOAT_ERROR (-113.0) with an
 * exception set on failure.
 */
#include "CPy.h"

#include <math.h>

/* math.<name>(*args) in the interpreter, as a C double. */
static double cpy_math_call(const char *name, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *module = PyImport_ImportModule("math");
    if (module == NULL) {
        return CPY_FLOAT_ERROR;
    }
    PyObject *func = PyObject_GetAttrString(module, name);
    Py_DECREF(module);
    if (func == NULL) {
        return CPY_FLOAT_ERROR;
    }
    PyObject *r = PyObject_Vectorcall(func, args, (size_t)nargs, NULL);
    Py_DECREF(func);
    if (r == NULL) {
        return CPY_FLOAT_ERROR;
    }
    double d = PyFloat_AsDouble(r);
    Py_DECREF(r);
    if (d == -1.0 && PyErr_Occurred()) {
        return CPY_FLOAT_ERROR;
    }
    return d;
}

static double cpy_math_slow1(const char *name, double x) {
    PyObject *a = PyFloat_FromDouble(x);
    if (a == NULL) {
        return CPY_FLOAT_ERROR;
    }
    double d = cpy_math_call(name, &a, 1);
    Py_DECREF(a);
    return d;
}

static double cpy_math_slow2(const char *name, double x, double y) {
    PyObject *args[2];
    args[0] = PyFloat_FromDouble(x);
    if (args[0] == NULL) {
        return CPY_FLOAT_ERROR;
    }
    args[1] = PyFloat_FromDouble(y);
    if (args[1] == NULL) {
        Py_DECREF(args[0]);
        return CPY_FLOAT_ERROR;
    }
    double d = cpy_math_call(name, args, 2);
    Py_DECREF(args[0]);
    Py_DECREF(args[1]);
    return d;
}

double CPyMath_Sqrt(double x) {
    if (CPY_LIKELY(x >= 0.0 && isfinite(x))) {
        return sqrt(x);
    }
    return cpy_math_slow1("sqrt", x);
}

double CPyMath_Sin(double x) {
    if (CPY_LIKELY(isfinite(x))) {
        return sin(x);
    }
    return cpy_math_slow1("sin", x);
}

double CPyMath_Cos(double x) {
    if (CPY_LIKELY(isfinite(x))) {
        return cos(x);
    }
    return cpy_math_slow1("cos", x);
}

double CPyMath_Tan(double x) {
    if (CPY_LIKELY(isfinite(x))) {
        return tan(x);
    }
    return cpy_math_slow1("tan", x);
}

double CPyMath_Asin(double x) {
    if (CPY_LIKELY(x >= -1.0 && x <= 1.0)) {
        return asin(x);
    }
    return cpy_math_slow1("asin", x);
}

double CPyMath_Acos(double x) {
    if (CPY_LIKELY(x >= -1.0 && x <= 1.0)) {
        return acos(x);
    }
    return cpy_math_slow1("acos", x);
}

double CPyMath_Atan(double x) {
    if (CPY_LIKELY(isfinite(x))) {
        return atan(x);
    }
    return cpy_math_slow1("atan", x);
}

double CPyMath_Exp(double x) {
    if (CPY_LIKELY(isfinite(x))) {
        /* Underflow to 0.0 is no error in Python either. */
        double r = exp(x);
        if (CPY_LIKELY(isfinite(r))) {
            return r;
        }
    }
    return cpy_math_slow1("exp", x);
}

double CPyMath_Log(double x) {
    if (CPY_LIKELY(x > 0.0 && isfinite(x))) {
        return log(x);
    }
    return cpy_math_slow1("log", x);
}

double CPyMath_Log10(double x) {
    if (CPY_LIKELY(x > 0.0 && isfinite(x))) {
        return log10(x);
    }
    return cpy_math_slow1("log10", x);
}

double CPyMath_Log2(double x) {
    if (CPY_LIKELY(x > 0.0 && isfinite(x))) {
        return log2(x);
    }
    return cpy_math_slow1("log2", x);
}

/* A logarithm of an int: Python converts a positive int to a float (with
 * correct rounding, as the C conversion of a 64-bit value does) and takes
 * its logarithm; ints too large for a float and non-positive ones are left
 * to the math module. */
static double cpy_math_log_int(const char *name, double (*func)(double), CPyTagged x) {
    if (CPY_LIKELY(CPyTagged_CheckShort(x))) {
        Py_ssize_t v = CPyTagged_ShortAsSsize_t(x);
        if (v > 0) {
            return func((double)v);
        }
    }
    PyObject *o = CPyTagged_AsObject(x);
    if (o == NULL) {
        return CPY_FLOAT_ERROR;
    }
    double d = cpy_math_call(name, &o, 1);
    Py_DECREF(o);
    return d;
}

double CPyMath_LogInt(CPyTagged x) {
    return cpy_math_log_int("log", log, x);
}

double CPyMath_Log10Int(CPyTagged x) {
    return cpy_math_log_int("log10", log10, x);
}

double CPyMath_Log2Int(CPyTagged x) {
    return cpy_math_log_int("log2", log2, x);
}

double CPyMath_Pow(double x, double y) {
    /* Finite operands: CPython calls pow() and keeps any finite result
     * (including underflow to zero). */
    if (CPY_LIKELY(isfinite(x) && isfinite(y))) {
        double r = pow(x, y);
        if (CPY_LIKELY(isfinite(r))) {
            return r;
        }
    }
    return cpy_math_slow2("pow", x, y);
}

double CPyMath_Atan2(double y, double x) {
    /* CPython handles signed zeros and infinities itself. */
    if (CPY_LIKELY(isfinite(x) && isfinite(y) && (x != 0.0 || y != 0.0))) {
        return atan2(y, x);
    }
    return cpy_math_slow2("atan2", y, x);
}

double CPyMath_Fmod(double x, double y) {
    if (CPY_LIKELY(isfinite(x) && isfinite(y) && y != 0.0)) {
        return fmod(x, y);
    }
    return cpy_math_slow2("fmod", x, y);
}
