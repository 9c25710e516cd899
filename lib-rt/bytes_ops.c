/*
 * bytes_ops.c: operations on bytes with a C implementation.
 *
 * Exact bytes receivers work on the buffer directly (indexing, slicing,
 * len, split, join); receivers that are bytes subclasses use the object
 * protocol or call the method itself, which they may override.
 */
#include "CPy.h"

CPyTagged CPyBytes_GetItemSlow(PyObject *b, CPyTagged index) {
    if (PyBytes_CheckExact(b) && CPyTagged_CheckShort(index)) {
        /* Out of range (the inline fast path took the others). */
        PyErr_SetString(PyExc_IndexError, "index out of range");
        return CPY_INT_TAG;
    }
    PyObject *key = CPyTagged_AsObject(index);
    if (key == NULL) {
        return CPY_INT_TAG;
    }
    PyObject *item = PyObject_GetItem(b, key);
    Py_DECREF(key);
    if (item == NULL) {
        return CPY_INT_TAG;
    }
    if (!PyLong_Check(item)) {
        PyErr_Format(PyExc_TypeError, "bytes item must be int, not %.200s",
                     Py_TYPE(item)->tp_name);
        Py_DECREF(item);
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(item);
}

PyObject *CPyBytes_GetSlice(PyObject *b, CPyTagged start, CPyTagged end) {
    if (CPY_UNLIKELY(!PyBytes_CheckExact(b))) {
        return CPyObject_GetSlice(b, start, end);
    }
    Py_ssize_t lo = CPyTagged_AsSliceIndex(start);
    Py_ssize_t hi = CPyTagged_AsSliceIndex(end);
    Py_ssize_t n = PyBytes_GET_SIZE(b);
    CPy_AdjustSlice(n, &lo, &hi);
    if (lo == 0 && hi == n) {
        Py_INCREF(b);
        return b;
    }
    return PyBytes_FromStringAndSize(PyBytes_AS_STRING(b) + lo, hi - lo);
}

CPyTagged CPyBytes_Len(PyObject *b) {
    if (CPY_LIKELY(PyBytes_CheckExact(b))) {
        return (CPyTagged)PyBytes_GET_SIZE(b) << 1;
    }
    Py_ssize_t n = PyObject_Size(b);
    if (n < 0) {
        return CPY_INT_TAG;
    }
    return CPyTagged_FromSsize_t(n);
}

PyObject *CPyBytes_Join(PyObject *sep, PyObject *items) {
#if PY_VERSION_HEX < 0x030D0000
    if (CPY_LIKELY(PyBytes_CheckExact(sep))) {
        return _PyBytes_Join(sep, items);
    }
#endif
    return CPy_CallMethodName(sep, "join", 1, items);
}

/* Append b[lo:hi] to the list `out`; 0 on success. */
static int cpy_bytes_append_part(PyObject *out, const char *data, Py_ssize_t lo,
                                 Py_ssize_t hi) {
    PyObject *part = PyBytes_FromStringAndSize(data + lo, hi - lo);
    if (part == NULL) {
        return -1;
    }
    int r = PyList_Append(out, part);
    Py_DECREF(part);
    return r;
}

static int cpy_is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\x0b' || c == '\x0c';
}

/* b.split(): runs of ASCII whitespace separate the parts; none are empty. */
static PyObject *cpy_bytes_split_whitespace(PyObject *b) {
    const char *data = PyBytes_AS_STRING(b);
    Py_ssize_t n = PyBytes_GET_SIZE(b);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t i = 0;
    while (i < n) {
        while (i < n && cpy_is_ascii_space(data[i])) {
            i++;
        }
        if (i == n) {
            break;
        }
        Py_ssize_t j = i;
        while (j < n && !cpy_is_ascii_space(data[j])) {
            j++;
        }
        int r = (i == 0 && j == n) ? PyList_Append(out, b)
                                   : cpy_bytes_append_part(out, data, i, j);
        if (r < 0) {
            Py_DECREF(out);
            return NULL;
        }
        i = j;
    }
    return out;
}

/* b.split(sep) for a non-empty separator: every occurrence, left to right. */
static PyObject *cpy_bytes_split_sep(PyObject *b, const char *sep, Py_ssize_t m) {
    const char *data = PyBytes_AS_STRING(b);
    Py_ssize_t n = PyBytes_GET_SIZE(b);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    Py_ssize_t start = 0, i = 0;
    while (i + m <= n) {
        const char *hit = memchr(data + i, sep[0], (size_t)(n - m - i + 1));
        if (hit == NULL) {
            break;
        }
        i = hit - data;
        if (memcmp(hit, sep, (size_t)m) == 0) {
            if (cpy_bytes_append_part(out, data, start, i) < 0) {
                Py_DECREF(out);
                return NULL;
            }
            i += m;
            start = i;
        } else {
            i++;
        }
    }
    int r = start == 0 ? PyList_Append(out, b) : cpy_bytes_append_part(out, data, start, n);
    if (r < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

PyObject *CPyBytes_Split(PyObject *b) {
    if (CPY_UNLIKELY(!PyBytes_CheckExact(b))) {
        return CPy_CallMethodName(b, "split", 0);
    }
    return cpy_bytes_split_whitespace(b);
}

PyObject *CPyBytes_SplitSep(PyObject *b, PyObject *sep) {
    if (CPY_UNLIKELY(!PyBytes_CheckExact(b) || !PyBytes_CheckExact(sep))) {
        return CPy_CallMethodName(b, "split", 1, sep);
    }
    Py_ssize_t m = PyBytes_GET_SIZE(sep);
    if (m == 0) {
        PyErr_SetString(PyExc_ValueError, "empty separator");
        return NULL;
    }
    return cpy_bytes_split_sep(b, PyBytes_AS_STRING(sep), m);
}

PyObject *CPyBytes_Concat(PyObject *a, PyObject *b) {
    if (!PyBytes_CheckExact(a) || !PyBytes_CheckExact(b)) {
        return PyNumber_Add(a, b);
    }
    Py_ssize_t na = PyBytes_GET_SIZE(a), nb = PyBytes_GET_SIZE(b);
    if (nb == 0) {
        Py_INCREF(a);
        return a;
    }
    if (na == 0) {
        Py_INCREF(b);
        return b;
    }
    if (na > PY_SSIZE_T_MAX - nb) {
        return PyErr_NoMemory();
    }
    PyObject *r = PyBytes_FromStringAndSize(NULL, na + nb);
    if (r != NULL) {
        memcpy(PyBytes_AS_STRING(r), PyBytes_AS_STRING(a), (size_t)na);
        memcpy(PyBytes_AS_STRING(r) + na, PyBytes_AS_STRING(b), (size_t)nb);
    }
    return r;
}
