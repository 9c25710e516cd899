/*
 * list_ops.c: lists, tuples and generic sequences.
 *
 * Owns building lists/tuples from C varargs, indexing with tagged indexes
 * (the inline in-range paths live in CPy.h; this file has the error paths),
 * pop, slicing, extend and sequence repetition. Index errors carry the same
 * messages as the interpreter's.
 */
#include "CPy.h"

PyObject *CPyList_Build(Py_ssize_t n, ...) {
    PyObject *list = PyList_New(n);
    if (list == NULL) {
        return NULL;
    }
    va_list ap;
    va_start(ap, n);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = va_arg(ap, PyObject *);
        Py_INCREF(item);
        PyList_SET_ITEM(list, i, item);
    }
    va_end(ap);
    return list;
}

PyObject *CPyTuple_Build(Py_ssize_t n, ...) {
    PyObject *tuple = PyTuple_New(n);
    if (tuple == NULL) {
        return NULL;
    }
    va_list ap;
    va_start(ap, n);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = va_arg(ap, PyObject *);
        Py_INCREF(item);
        PyTuple_SET_ITEM(tuple, i, item);
    }
    va_end(ap);
    return tuple;
}

PyObject *CPyList_GetItemSlow(PyObject *list, CPyTagged index) {
    /* Only reached when the inline path found the index out of range. */
    CPy_RaiseIndexError(index, "list index out of range");
    return NULL;
}

char CPyList_SetItemSlow(PyObject *list, CPyTagged index, PyObject *v) {
    Py_DECREF(v);
    CPy_RaiseIndexError(index, "list assignment index out of range");
    return 0;
}

int CPyList_Append(PyObject *list, PyObject *v) {
    return PyList_Append(list, v);
}

/* Remove and return (new ref) item i of a list, 0 <= i < len. */
static PyObject *cpy_list_take(PyObject *list, Py_ssize_t i) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    PyObject *item = PyList_GET_ITEM(list, i);
    if (i == n - 1) {
        /* Shrinking the size hands the list's reference to the caller; the
         * slot past the end is never read again. */
        Py_SET_SIZE(list, n - 1);
        return item;
    }
    Py_INCREF(item);
    if (PyList_SetSlice(list, i, i + 1, NULL) < 0) {
        Py_DECREF(item);
        return NULL;
    }
    return item;
}

PyObject *CPyList_Pop(PyObject *list) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (n == 0) {
        PyErr_SetString(PyExc_IndexError, "pop from empty list");
        return NULL;
    }
    return cpy_list_take(list, n - 1);
}

PyObject *CPyList_PopIndex(PyObject *list, CPyTagged index) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (n == 0) {
        PyErr_SetString(PyExc_IndexError, "pop from empty list");
        return NULL;
    }
    if (CPyTagged_CheckShort(index)) {
        Py_ssize_t i = CPyTagged_ShortAsSsize_t(index);
        if (i < 0) {
            i += n;
        }
        if (i >= 0 && i < n) {
            return cpy_list_take(list, i);
        }
    } else if (PyLong_AsSsize_t(CPyTagged_LongAsObject(index)) == -1 && PyErr_Occurred()) {
        /* list.pop takes a C ssize_t: OverflowError, not IndexError. */
        return NULL;
    }
    PyErr_SetString(PyExc_IndexError, "pop index out of range");
    return NULL;
}

PyObject *CPyList_GetSlice(PyObject *list, CPyTagged start, CPyTagged end) {
    Py_ssize_t b = CPyTagged_AsSliceIndex(start);
    Py_ssize_t e = CPyTagged_AsSliceIndex(end);
    CPy_AdjustSlice(PyList_GET_SIZE(list), &b, &e);
    return PyList_GetSlice(list, b, e);
}

PyObject *CPySequenceTuple_GetSlice(PyObject *tuple, CPyTagged start, CPyTagged end) {
    Py_ssize_t b = CPyTagged_AsSliceIndex(start);
    Py_ssize_t e = CPyTagged_AsSliceIndex(end);
    CPy_AdjustSlice(PyTuple_GET_SIZE(tuple), &b, &e);
    return PyTuple_GetSlice(tuple, b, e);
}

PyObject *CPyList_Extend(PyObject *list, PyObject *iterable) {
#if PY_VERSION_HEX >= 0x030D0000
    if (PyList_Extend(list, iterable) < 0) {
        return NULL;
    }
#else
    if (PyList_CheckExact(iterable) || PyTuple_CheckExact(iterable)) {
        Py_ssize_t n = PyList_GET_SIZE(list);
        if (PyList_SetSlice(list, n, n, iterable) < 0) {
            return NULL;
        }
    } else {
        /* list.extend itself, for its iterator protocol and messages. */
        PyObject *name = PyUnicode_InternFromString("extend");
        if (name == NULL) {
            return NULL;
        }
        PyObject *r = PyObject_CallMethodObjArgs(list, name, iterable, NULL);
        Py_DECREF(name);
        if (r == NULL) {
            return NULL;
        }
        Py_DECREF(r);
    }
#endif
    Py_INCREF(Py_None);
    return Py_None;
}

PyObject *CPySequence_Multiply(PyObject *seq, CPyTagged n) {
    if (CPyTagged_CheckShort(n)) {
        return PySequence_Repeat(seq, CPyTagged_ShortAsSsize_t(n));
    }
    return PyNumber_Multiply(seq, CPyTagged_LongAsObject(n));
}

PyObject *CPySequence_RMultiply(CPyTagged n, PyObject *seq) {
    if (CPyTagged_CheckShort(n)) {
        return PySequence_Repeat(seq, CPyTagged_ShortAsSsize_t(n));
    }
    return PyNumber_Multiply(CPyTagged_LongAsObject(n), seq);
}

PyObject *CPySequenceTuple_GetItem(PyObject *tuple, CPyTagged index) {
    if (CPyTagged_CheckShort(index)) {
        Py_ssize_t i = CPyTagged_ShortAsSsize_t(index);
        Py_ssize_t n = PyTuple_GET_SIZE(tuple);
        if (i < 0) {
            i += n;
        }
        if (i >= 0 && i < n) {
            PyObject *item = PyTuple_GET_ITEM(tuple, i);
            Py_INCREF(item);
            return item;
        }
    }
    CPy_RaiseIndexError(index, "tuple index out of range");
    return NULL;
}

PyObject *CPyObject_GetSlice(PyObject *obj, CPyTagged start, CPyTagged end) {
    if (PyList_CheckExact(obj)) {
        return CPyList_GetSlice(obj, start, end);
    }
    if (PyTuple_CheckExact(obj)) {
        return CPySequenceTuple_GetSlice(obj, start, end);
    }
    if (PyUnicode_CheckExact(obj)) {
        return CPyStr_GetSlice(obj, start, end);
    }
    PyObject *b = CPyTagged_AsObject(start);
    if (b == NULL) {
        return NULL;
    }
    PyObject *e = CPyTagged_AsObject(end);
    if (e == NULL) {
        Py_DECREF(b);
        return NULL;
    }
    PyObject *slice = PySlice_New(b, e, NULL);
    Py_DECREF(b);
    Py_DECREF(e);
    if (slice == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_GetItem(obj, slice);
    Py_DECREF(slice);
    return r;
}

int CPyList_ExtendIter(PyObject *list, PyObject *iterable) {
    PyObject *r = _PyList_Extend((PyListObject *)list, iterable);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

PyObject *CPySequence_Unpack(PyObject *iterable, Py_ssize_t n) {
    if (PyTuple_CheckExact(iterable) && PyTuple_GET_SIZE(iterable) == n) {
        Py_INCREF(iterable);
        return iterable;
    }
    PyObject *it = PyObject_GetIter(iterable);
    if (it == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError) && Py_TYPE(iterable)->tp_iter == NULL &&
            !PySequence_Check(iterable)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object",
                         Py_TYPE(iterable)->tp_name);
        }
        return NULL;
    }
    PyObject *result = PyTuple_New(n);
    if (result == NULL) {
        Py_DECREF(it);
        return NULL;
    }
    /* As the interpreter unpacks: take n items, then make sure there is
     * no other (an infinite iterator is fine). */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyIter_Next(it);
        if (x == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_ValueError,
                             "not enough values to unpack (expected %zd, got %zd)", n, i);
            }
            goto fail;
        }
        PyTuple_SET_ITEM(result, i, x);
    }
    PyObject *extra = PyIter_Next(it);
    if (extra != NULL) {
        Py_DECREF(extra);
        PyErr_Format(PyExc_ValueError, "too many values to unpack (expected %zd)", n);
        goto fail;
    }
    if (PyErr_Occurred()) {
        goto fail;
    }
    Py_DECREF(it);
    return result;

fail:
    Py_DECREF(it);
    Py_DECREF(result);
    return NULL;
}

PyObject *CPySequence_UnpackStar(PyObject *iterable, Py_ssize_t before, Py_ssize_t after) {
    PyObject *items = PySequence_List(iterable);
    if (items == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(items);
    if (n < before + after) {
        PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected at least %zd, got %zd)",
                     before + after, n);
        Py_DECREF(items);
        return NULL;
    }
    PyObject *result = PyTuple_New(before + 1 + after);
    if (result == NULL) {
        Py_DECREF(items);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < before; i++) {
        PyObject *x = PyList_GET_ITEM(items, i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(result, i, x);
    }
    PyObject *middle = PyList_GetSlice(items, before, n - after);
    if (middle == NULL) {
        Py_DECREF(items);
        Py_DECREF(result);
        return NULL;
    }
    PyTuple_SET_ITEM(result, before, middle);
    for (Py_ssize_t i = 0; i < after; i++) {
        PyObject *x = PyList_GET_ITEM(items, n - after + i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(result, before + 1 + i, x);
    }
    Py_DECREF(items);
    return result;
}
