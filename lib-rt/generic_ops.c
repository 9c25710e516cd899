/*
 * generic_ops.c: operations on values of unknown type (PyObject *).
 *
 * Owns method calls by C string name with C varargs (packed into
 * vectorcall argument arrays; CPy.h's CPy_Call family builds its arrays
 * at the call site), iteration, truthiness, rich comparison, isinstance,
 * str()/repr() and generic len(). Results that Python code can observe
 * (e.g. `nan == nan` is False) follow the interpreter, not C shortcuts.
 */
#include "CPy.h"

/* Argument arrays up to this size live on the C stack. */
#define CPY_SMALL_ARGS 16

/* A vectorcall argument buffer: slot 0 is scratch space, so callees may
 * use PY_VECTORCALL_ARGUMENTS_OFFSET; arguments start at slot 1. */
typedef struct {
    PyObject *small[CPY_SMALL_ARGS + 1];
    PyObject **items;
} cpy_argbuf;

static PyObject **cpy_argbuf_init(cpy_argbuf *buf, Py_ssize_t n) {
    if (n <= CPY_SMALL_ARGS) {
        buf->items = buf->small;
    } else {
        buf->items = PyMem_New(PyObject *, (size_t)n + 1);
        if (buf->items == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
    }
    buf->items[0] = NULL;
    return buf->items + 1;
}

static void cpy_argbuf_free(cpy_argbuf *buf) {
    if (buf->items != buf->small) {
        PyMem_Free(buf->items);
    }
}

static Py_ssize_t cpy_kwcount(PyObject *kwnames) {
    return kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
}

static PyObject *cpy_vcall_method(PyObject *obj, PyObject *name, Py_ssize_t nargs,
                                  PyObject *kwnames, va_list ap) {
    Py_ssize_t total = 1 + nargs + cpy_kwcount(kwnames);
    cpy_argbuf buf;
    PyObject **args = cpy_argbuf_init(&buf, total);
    if (args == NULL) {
        return NULL;
    }
    args[0] = obj;
    for (Py_ssize_t i = 1; i < total; i++) {
        args[i] = va_arg(ap, PyObject *);
    }
    PyObject *r = PyObject_VectorcallMethod(
        name, args, (size_t)(nargs + 1) | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames);
    cpy_argbuf_free(&buf);
    return r;
}

PyObject *CPyIter_Next(PyObject *iter) {
    return PyIter_Next(iter);
}

char CPyObject_IsTrue(PyObject *o) {
    int r = PyObject_IsTrue(o);
    return r < 0 ? 2 : (char)r;
}

PyObject *CPyObject_RichCompare(PyObject *a, PyObject *b, int op) {
    return PyObject_RichCompare(a, b, op);
}

char CPyObject_RichCompareBool(PyObject *a, PyObject *b, int op) {
    /* Not PyObject_RichCompareBool: its identity shortcut would make
     * `x == x` true for NaN, unlike the `==` operator. */
    PyObject *r = PyObject_RichCompare(a, b, op);
    if (r == NULL) {
        return 2;
    }
    char truth = CPyObject_IsTrue(r);
    Py_DECREF(r);
    return truth;
}

char CPy_IsInstance(PyObject *o, PyObject *cls) {
    int r = PyObject_IsInstance(o, cls);
    return r < 0 ? 2 : (char)r;
}

PyObject *CPyObject_Str(PyObject *o) {
    return PyObject_Str(o);
}

PyObject *CPyObject_Repr(PyObject *o) {
    return PyObject_Repr(o);
}

CPyTagged CPyObject_Len(PyObject *o) {
    Py_ssize_t n = PyObject_Size(o);
    if (n < 0) {
        return CPY_INT_TAG;
    }
    return CPyTagged_FromSsize_t(n);
}

PyObject *CPy_CallMethodName(PyObject *obj, const char *name, Py_ssize_t nargs, ...) {
    PyObject *n = PyUnicode_InternFromString(name);
    if (n == NULL) {
        return NULL;
    }
    va_list ap;
    va_start(ap, nargs);
    PyObject *r = cpy_vcall_method(obj, n, nargs, NULL, ap);
    va_end(ap);
    Py_DECREF(n);
    return r;
}

char CPy_NoneResult(PyObject *r) {
    if (r == NULL) {
        return 2;
    }
    Py_DECREF(r);
    return 1;
}
