/*
 * list_ops.c: lists, tuples and generic sequences.
 *
 * Owns building lists/tuples from C varargs, indexing with tagged indexes
 * (the inline in-range paths live in CPy.h; this file has the error paths),
 * pop, slicing, extend and sequence repetition, and the other list methods
 * (insert, remove, index, count, reverse, sort, clear, copy). Index errors
 * carry the same messages as the interpreter's. Methods called on a list
 * subclass call the subclass's (maybe overridden) method.
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
    /* Only reached for an index that is not a short int. */
    CPy_RaiseIndexError(index, "list index out of range");
    return NULL;
}

char CPyList_SetItemSlow(PyObject *list, CPyTagged index, PyObject *v) {
    Py_DECREF(v);
    CPy_RaiseIndexError(index, "list assignment index out of range");
    return 0;
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
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return CPy_CallMethodName(list, "pop", 0);
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (n == 0) {
        PyErr_SetString(PyExc_IndexError, "pop from empty list");
        return NULL;
    }
    return cpy_list_take(list, n - 1);
}

/* A method call on a list subclass with a tagged-int argument. */
static PyObject *cpy_call_with_int(PyObject *obj, const char *name, CPyTagged index) {
    PyObject *i = CPyTagged_AsObject(index);
    if (i == NULL) {
        return NULL;
    }
    PyObject *r = CPy_CallMethodName(obj, name, 1, i);
    Py_DECREF(i);
    return r;
}

PyObject *CPyList_PopIndex(PyObject *list, CPyTagged index) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return cpy_call_with_int(list, "pop", index);
    }
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
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return CPyObject_GetSlice(list, start, end);
    }
    Py_ssize_t b = CPyTagged_AsSliceIndex(start);
    Py_ssize_t e = CPyTagged_AsSliceIndex(end);
    CPy_AdjustSlice(PyList_GET_SIZE(list), &b, &e);
    return PyList_GetSlice(list, b, e);
}

PyObject *CPySequenceTuple_GetSlice(PyObject *tuple, CPyTagged start, CPyTagged end) {
    if (CPY_UNLIKELY(!PyTuple_CheckExact(tuple))) {
        return CPyObject_GetSlice(tuple, start, end);
    }
    Py_ssize_t b = CPyTagged_AsSliceIndex(start);
    Py_ssize_t e = CPyTagged_AsSliceIndex(end);
    CPy_AdjustSlice(PyTuple_GET_SIZE(tuple), &b, &e);
    return PyTuple_GetSlice(tuple, b, e);
}

/* list.extend(iterable) on an exact list: -1 on error. */
static int cpy_list_extend(PyObject *list, PyObject *iterable) {
#if PY_VERSION_HEX >= 0x030D0000
    return PyList_Extend(list, iterable);
#else
    PyObject *r = _PyList_Extend((PyListObject *)list, iterable);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
#endif
}

PyObject *CPyList_Extend(PyObject *list, PyObject *iterable) {
    if (cpy_list_extend(list, iterable) < 0) {
        return NULL;
    }
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

Py_ssize_t CPyTuple_ItemIndex(CPyTagged index, Py_ssize_t n) {
    if (CPyTagged_CheckShort(index)) {
        Py_ssize_t i = CPyTagged_ShortAsSsize_t(index);
        if (i < 0) {
            i += n;
        }
        if (i >= 0 && i < n) {
            return i;
        }
    }
    CPy_RaiseIndexError(index, "tuple index out of range");
    return -1;
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
    return cpy_list_extend(list, iterable);
}

PyObject *CPySequence_Unpack(PyObject *iterable, Py_ssize_t n) {
    /* Tuples, and subclasses iterating as tuples do (NamedTuple classes),
     * are their own items. */
    if (PyTuple_Check(iterable) && Py_TYPE(iterable)->tp_iter == PyTuple_Type.tp_iter &&
        PyTuple_GET_SIZE(iterable) == n) {
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

/* ---- list methods ---- */

/* list.append on a list subclass: its own method. */
char CPyList_AppendSlow(PyObject *list, PyObject *v) {
    return CPy_NoneResult(CPy_CallMethodName(list, "append", 1, v));
}

char CPyList_ExtendMethod(PyObject *list, PyObject *iterable) {
    if (CPY_LIKELY(PyList_CheckExact(list))) {
        return cpy_list_extend(list, iterable) < 0 ? 2 : 1;
    }
    return CPy_NoneResult(CPy_CallMethodName(list, "extend", 1, iterable));
}

char CPyList_Insert(PyObject *list, CPyTagged index, PyObject *v) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        PyObject *i = CPyTagged_AsObject(index);
        if (i == NULL) {
            return 2;
        }
        PyObject *r = CPy_CallMethodName(list, "insert", 2, i, v);
        Py_DECREF(i);
        return CPy_NoneResult(r);
    }
    Py_ssize_t i;
    if (CPY_LIKELY(CPyTagged_CheckShort(index))) {
        i = CPyTagged_ShortAsSsize_t(index);
    } else {
        /* list.insert takes a C ssize_t: OverflowError beyond it. */
        i = PyLong_AsSsize_t(CPyTagged_LongAsObject(index));
        if (i == -1 && PyErr_Occurred()) {
            return 2;
        }
    }
    /* PyList_Insert clamps the index as list.insert does. */
    return PyList_Insert(list, i, v) < 0 ? 2 : 1;
}

/* The first index i >= 0 with list[i] == v (comparing item first, as the
 * list methods do; the item is kept alive across the comparison), -1 if
 * there is none, -2 on error. */
static Py_ssize_t cpy_list_find(PyObject *list, PyObject *v) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        Py_INCREF(item);
        int cmp = PyObject_RichCompareBool(item, v, Py_EQ);
        Py_DECREF(item);
        if (cmp > 0) {
            return i;
        }
        if (cmp < 0) {
            return -2;
        }
    }
    return -1;
}

char CPyList_Remove(PyObject *list, PyObject *v) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return CPy_NoneResult(CPy_CallMethodName(list, "remove", 1, v));
    }
    Py_ssize_t i = cpy_list_find(list, v);
    if (i == -2) {
        return 2;
    }
    if (i == -1) {
        PyErr_SetString(PyExc_ValueError, "list.remove(x): x not in list");
        return 2;
    }
    return PyList_SetSlice(list, i, i + 1, NULL) < 0 ? 2 : 1;
}

/* A method result that must be an int, as a tagged int. */
static CPyTagged cpy_int_result(PyObject *r) {
    if (r == NULL) {
        return CPY_INT_TAG;
    }
    if (!PyLong_Check(r)) {
        CPy_TypeError("int", r);
        Py_DECREF(r);
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(r);
}

CPyTagged CPyList_Index(PyObject *list, PyObject *v) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return cpy_int_result(CPy_CallMethodName(list, "index", 1, v));
    }
    Py_ssize_t i = cpy_list_find(list, v);
    if (i == -2) {
        return CPY_INT_TAG;
    }
    if (i == -1) {
        PyErr_Format(PyExc_ValueError, "%R is not in list", v);
        return CPY_INT_TAG;
    }
    return CPyTagged_ShortFromSsize_t(i);
}

CPyTagged CPyList_Count(PyObject *list, PyObject *v) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return cpy_int_result(CPy_CallMethodName(list, "count", 1, v));
    }
    Py_ssize_t count = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        Py_INCREF(item);
        int cmp = PyObject_RichCompareBool(item, v, Py_EQ);
        Py_DECREF(item);
        if (cmp > 0) {
            count++;
        } else if (cmp < 0) {
            return CPY_INT_TAG;
        }
    }
    return CPyTagged_ShortFromSsize_t(count);
}

char CPyList_Reverse(PyObject *list) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return CPy_NoneResult(CPy_CallMethodName(list, "reverse", 0));
    }
    return PyList_Reverse(list) < 0 ? 2 : 1;
}

char CPyList_Sort(PyObject *list) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return CPy_NoneResult(CPy_CallMethodName(list, "sort", 0));
    }
    return PyList_Sort(list) < 0 ? 2 : 1;
}

char CPyList_Clear(PyObject *list) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return CPy_NoneResult(CPy_CallMethodName(list, "clear", 0));
    }
    /* Deleting the whole list is list.clear itself in CPython. */
    return PyList_SetSlice(list, 0, PyList_GET_SIZE(list), NULL) < 0 ? 2 : 1;
}

PyObject *CPyList_Copy(PyObject *list) {
    if (CPY_UNLIKELY(!PyList_CheckExact(list))) {
        return CPy_CallMethodName(list, "copy", 0);
    }
    return PyList_GetSlice(list, 0, PyList_GET_SIZE(list));
}

PyObject *CPyList_FromRange(CPyTagged start, CPyTagged end, CPyTagged step) {
    if (CPyTagged_CheckShort(start) && CPyTagged_CheckShort(end) && CPyTagged_CheckShort(step) &&
        step != 0) {
        Py_ssize_t lo = CPyTagged_ShortAsSsize_t(start);
        Py_ssize_t hi = CPyTagged_ShortAsSsize_t(end);
        Py_ssize_t st = CPyTagged_ShortAsSsize_t(step);
        /* The number of items, as range computes it (no overflow: the
         * bounds are short ints, far inside Py_ssize_t). */
        Py_ssize_t n = 0;
        if (st > 0 && lo < hi) {
            n = (hi - lo - 1) / st + 1;
        } else if (st < 0 && lo > hi) {
            n = (lo - hi - 1) / (-st) + 1;
        }
        PyObject *list = PyList_New(n);
        if (list == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *item = PyLong_FromSsize_t(lo + i * st);
            if (item == NULL) {
                Py_DECREF(list);
                return NULL;
            }
            PyList_SET_ITEM(list, i, item);
        }
        return list;
    }
    PyObject *bounds = PyTuple_New(3);
    if (bounds == NULL) {
        return NULL;
    }
    CPyTagged values[3] = {start, end, step};
    for (int i = 0; i < 3; i++) {
        PyObject *v = CPyTagged_AsObject(values[i]);
        if (v == NULL) {
            Py_DECREF(bounds);
            return NULL;
        }
        PyTuple_SET_ITEM(bounds, i, v);
    }
    PyObject *r = PyObject_Call((PyObject *)&PyRange_Type, bounds, NULL);
    Py_DECREF(bounds);
    if (r == NULL) {
        return NULL;
    }
    PyObject *list = PySequence_List(r);
    Py_DECREF(r);
    return list;
}

int CPySequence_ContainsInt(PyObject *seq, CPyTagged x) {
    PyObject *boxed = NULL;
    int found = 0;
    if (!PyList_CheckExact(seq) && !PyTuple_CheckExact(seq)) {
        boxed = CPyTagged_AsObject(x);
        if (boxed == NULL) return -1;
        found = PySequence_Contains(seq, boxed);
        Py_DECREF(boxed);
        return found;
    }
    /* Sizes and items are read again after each call: an item's __eq__
     * may change the list. */
    for (Py_ssize_t i = 0; found == 0 && i < Py_SIZE(seq); i++) {
        PyObject *item = PySequence_Fast_ITEMS(seq)[i];
        Py_ssize_t v;
        if (PyLong_CheckExact(item) && CPyLong_SmallValue(item, &v)) {
            /* A one-digit value: a long-form `x` never has one. */
            if (CPyTagged_CheckShort(x) && v == CPyTagged_ShortAsSsize_t(x)) return 1;
            continue;
        }
        if (boxed == NULL) {
            boxed = CPyTagged_AsObject(x);
            if (boxed == NULL) return -1;
        }
        Py_INCREF(item);
        found = PyObject_RichCompareBool(item, boxed, Py_EQ);
        Py_DECREF(item);
    }
    Py_XDECREF(boxed);
    return found;
}
