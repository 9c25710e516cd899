/* Test-only stub implementations; see CPy.h in this directory. */
#include "CPy.h"

static int fits_short(Py_ssize_t v) {
    return v >= (PY_SSIZE_T_MIN >> 1) && v <= (PY_SSIZE_T_MAX >> 1);
}

void CPyTagged_INCREF(CPyTagged x) {
    if (CPyTagged_CheckLong(x)) Py_INCREF(CPyTagged_LongAsObject(x));
}

void CPyTagged_DECREF(CPyTagged x) {
    if (CPyTagged_CheckLong(x)) Py_DECREF(CPyTagged_LongAsObject(x));
}

void CPyTagged_XDECREF(CPyTagged x) {
    if (x != CPY_INT_TAG) CPyTagged_DECREF(x);
}

CPyTagged CPyTagged_BorrowFromObject(PyObject *o) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (!overflow && fits_short((Py_ssize_t)v)) return (CPyTagged)v << 1;
    return (CPyTagged)o | CPY_INT_TAG;
}

CPyTagged CPyTagged_FromObject(PyObject *o) {
    CPyTagged t = CPyTagged_BorrowFromObject(o);
    CPyTagged_INCREF(t);
    return t;
}

PyObject *CPyTagged_AsObject(CPyTagged x) {
    if (CPyTagged_CheckLong(x)) {
        PyObject *o = CPyTagged_LongAsObject(x);
        Py_INCREF(o);
        return o;
    }
    return PyLong_FromSsize_t((Py_ssize_t)x >> 1);
}

PyObject *CPyTagged_StealAsObject(CPyTagged x) {
    PyObject *o = CPyTagged_AsObject(x);
    CPyTagged_DECREF(x);
    return o;
}

CPyTagged CPyTagged_Add(CPyTagged a, CPyTagged b) {
    PyObject *x = CPyTagged_AsObject(a), *y = CPyTagged_AsObject(b), *r;
    CPyTagged t = CPY_INT_TAG;
    r = (x && y) ? PyNumber_Add(x, y) : NULL;
    if (r) {
        t = CPyTagged_FromObject(r);
        Py_DECREF(r);
    }
    Py_XDECREF(x);
    Py_XDECREF(y);
    return t;
}

double CPyFloat_FromObject(PyObject *o) {
    if (PyFloat_Check(o) || PyLong_Check(o)) return PyFloat_AsDouble(o);
    CPy_TypeError("float", o);
    return -113.0;
}

double CPyFloat_Remainder(double a, double b) {
    PyObject *x = PyFloat_FromDouble(a), *y = PyFloat_FromDouble(b), *r;
    double d = -113.0;
    r = (x && y) ? PyNumber_Remainder(x, y) : NULL;
    if (r) { d = PyFloat_AsDouble(r); Py_DECREF(r); }
    Py_XDECREF(x);
    Py_XDECREF(y);
    return d;
}

void CPy_AddTraceback(const char *filename, const char *funcname, int line, PyObject *globals) {
    (void)filename; (void)funcname; (void)line; (void)globals;
}

void CPy_TypeError(const char *expected, PyObject *value) {
    PyErr_Format(PyExc_TypeError, "%s object expected; got %s", expected, Py_TYPE(value)->tp_name);
}

int CPyArg_Parse(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                 CPyArgParser *p, PyObject **out) {
    Py_ssize_t i, k, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    int total = p->num_pos + p->num_kwonly;
    if (nargs > p->num_pos) {
        PyErr_Format(PyExc_TypeError, "%s() takes %d positional arguments but %zd were given",
                     p->fname, p->num_pos, nargs);
        return 0;
    }
    for (i = 0; i < total; i++) out[i] = i < nargs ? args[i] : NULL;
    for (k = 0; k < nkw; k++) {
        const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
        for (i = 0; i < total && (!name || strcmp(name, p->names[i]) != 0); i++) {}
        if (i == total) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'", p->fname, name);
            return 0;
        }
        out[i] = args[nargs + k];
    }
    for (i = 0; i < p->num_required_pos; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing 1 required positional argument: '%s'",
                         p->fname, p->names[i]);
            return 0;
        }
    }
    return 1;
}
