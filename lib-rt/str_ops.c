/*
 * str_ops.c: operations on str objects.
 *
 * Owns indexing and slicing with tagged indexes, concatenation (in place
 * when the left operand is uniquely owned, and n-ary building for f-strings
 * and joins), equality/ordering, repetition, and the shared sequence-index
 * helpers (slice clamping, IndexError messages) used by list_ops.c too.
 */
#include "CPy.h"

#include <string.h>

void CPy_AdjustSlice(Py_ssize_t len, Py_ssize_t *start, Py_ssize_t *end) {
    Py_ssize_t s = *start;
    Py_ssize_t e = *end;
    if (s < 0) {
        s = s + len < 0 ? 0 : s + len;
    } else if (s > len) {
        s = len;
    }
    if (e < 0) {
        e = e + len < 0 ? 0 : e + len;
    } else if (e > len) {
        e = len;
    }
    if (e < s) {
        e = s;
    }
    *start = s;
    *end = e;
}

void CPy_RaiseIndexError(CPyTagged index, const char *message) {
    /* As in mypyc, an index too large for a Py_ssize_t is an OverflowError
     * ("Python int too large to convert to C ssize_t"), not CPython's
     * IndexError. */
    if (CPyTagged_CheckLong(index)) {
        Py_ssize_t v = PyLong_AsSsize_t(CPyTagged_LongAsObject(index));
        if (v == -1 && PyErr_Occurred()) {
            return;
        }
    }
    PyErr_SetString(PyExc_IndexError, message);
}

PyObject *CPyStr_GetItem(PyObject *s, CPyTagged index) {
    if (CPyTagged_CheckShort(index)) {
        Py_ssize_t i = CPyTagged_ShortAsSsize_t(index);
        Py_ssize_t n = PyUnicode_GET_LENGTH(s);
        if (i < 0) {
            i += n;
        }
        if (i >= 0 && i < n) {
            /* Characters below 256 are the interpreter's cached strs. */
            return PyUnicode_FromOrdinal(PyUnicode_READ_CHAR(s, i));
        }
    }
    CPy_RaiseIndexError(index, "string index out of range");
    return NULL;
}

PyObject *CPyStr_GetSlice(PyObject *s, CPyTagged start, CPyTagged end) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return CPyObject_GetSlice(s, start, end);
    }
    Py_ssize_t b = CPyTagged_AsSliceIndex(start);
    Py_ssize_t e = CPyTagged_AsSliceIndex(end);
    CPy_AdjustSlice(PyUnicode_GET_LENGTH(s), &b, &e);
    return PyUnicode_Substring(s, b, e);
}

PyObject *CPyStr_Append(PyObject *a, PyObject *b) {
    /* PyUnicode_Append steals `a`, resizes it in place when it can, and
     * leaves NULL on error. */
    PyUnicode_Append(&a, b);
    return a;
}

char CPyStr_Equal(PyObject *a, PyObject *b) {
    if (a == b) {
        return 1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    if (n != PyUnicode_GET_LENGTH(b)) {
        return 0;
    }
    /* Strings are stored in their narrowest kind, so equal strings share it. */
    int kind = PyUnicode_KIND(a);
    if (kind != (int)PyUnicode_KIND(b)) {
        return 0;
    }
    return memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * (size_t)kind) == 0;
}

int CPyStr_Compare(PyObject *a, PyObject *b) {
    return PyUnicode_Compare(a, b);
}

/* A str from WTF-8 bytes (UTF-8 that may encode lone surrogates): string
 * literals holding lone surrogates. */
PyObject *CPyStr_FromWTF8(PyObject *bytes) {
    return PyUnicode_DecodeUTF8(PyBytes_AS_STRING(bytes), PyBytes_GET_SIZE(bytes),
                                "surrogatepass");
}

PyObject *CPyStr_Build(Py_ssize_t n, ...) {
    va_list ap;
    Py_ssize_t total = 0;
    Py_UCS4 maxchar = 0;

    va_start(ap, n);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *part = va_arg(ap, PyObject *);
        Py_ssize_t len = PyUnicode_GET_LENGTH(part);
        if (len > PY_SSIZE_T_MAX - total) {
            va_end(ap);
            PyErr_SetString(PyExc_OverflowError, "join() result is too long for a Python string");
            return NULL;
        }
        total += len;
        if (len > 0 && PyUnicode_MAX_CHAR_VALUE(part) > maxchar) {
            maxchar = PyUnicode_MAX_CHAR_VALUE(part);
        }
    }
    va_end(ap);

    PyObject *result = PyUnicode_New(total, maxchar);
    if (result == NULL) {
        return NULL;
    }
    Py_ssize_t pos = 0;
    va_start(ap, n);
    if (maxchar < 256) {
        /* Every part is one byte per character, as the result is. */
        Py_UCS1 *out = PyUnicode_1BYTE_DATA(result);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *part = va_arg(ap, PyObject *);
            Py_ssize_t len = PyUnicode_GET_LENGTH(part);
            if (len > 0) {
                memcpy(out + pos, PyUnicode_1BYTE_DATA(part), (size_t)len);
            }
            pos += len;
        }
        va_end(ap);
        return result;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *part = va_arg(ap, PyObject *);
        Py_ssize_t len = PyUnicode_GET_LENGTH(part);
        if (len > 0 && PyUnicode_CopyCharacters(result, pos, part, 0, len) < 0) {
            va_end(ap);
            Py_DECREF(result);
            return NULL;
        }
        pos += len;
    }
    va_end(ap);
    return result;
}

PyObject *CPyStr_Multiply(PyObject *s, CPyTagged n) {
    if (CPyTagged_CheckShort(n)) {
        return PySequence_Repeat(s, CPyTagged_ShortAsSsize_t(n));
    }
    /* Boxed count: let str * int raise (OverflowError) or return "". */
    return PyNumber_Multiply(s, CPyTagged_LongAsObject(n));
}

CPyTagged CPyStr_Ord(PyObject *s) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (n != 1) {
        PyErr_Format(PyExc_TypeError,
                     "ord() expected a character, but a string of length %zd found", n);
        return CPY_INT_TAG;
    }
    return CPyTagged_ShortFromSsize_t((Py_ssize_t)PyUnicode_READ_CHAR(s, 0));
}
