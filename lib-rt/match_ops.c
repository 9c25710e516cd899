/* Helpers for `match` statements. A helper that finds the subject does not
 * fit the pattern returns a new reference to the NoMatch sentinel (test it
 * with CPyMatch_IsNoMatch); NULL means an exception was raised. */

#include "CPy.h"

static PyObject *no_match(void) {
    static PyObject *sentinel = NULL;
    if (sentinel == NULL) {
        sentinel = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
        if (sentinel == NULL) {
            return NULL;
        }
    }
    Py_INCREF(sentinel);
    return sentinel;
}

char CPyMatch_IsNoMatch(PyObject *o) {
    PyObject *s = no_match();
    if (s == NULL) {
        PyErr_Clear();
        return 0;
    }
    Py_DECREF(s);
    return o == s;
}

PyObject *CPyMatch_Sequence(PyObject *subject, Py_ssize_t before, Py_ssize_t after, int star) {
    if (!PyType_HasFeature(Py_TYPE(subject), Py_TPFLAGS_SEQUENCE)) {
        return no_match();
    }
    Py_ssize_t n = PyObject_Size(subject);
    if (n < 0) {
        return NULL;
    }
    if (star ? n < before + after : n != before + after) {
        return no_match();
    }
    PyObject *items = PySequence_List(subject);
    if (items == NULL) {
        return NULL;
    }
    n = PyList_GET_SIZE(items);
    PyObject *result = PyTuple_New(before + after + (star ? 1 : 0));
    if (result == NULL) {
        Py_DECREF(items);
        return NULL;
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < before; i++) {
        PyObject *x = PyList_GET_ITEM(items, i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(result, k++, x);
    }
    if (star) {
        PyObject *middle = PyList_GetSlice(items, before, n - after);
        if (middle == NULL) {
            Py_DECREF(items);
            Py_DECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(result, k++, middle);
    }
    for (Py_ssize_t i = n - after; i < n; i++) {
        PyObject *x = PyList_GET_ITEM(items, i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(result, k++, x);
    }
    Py_DECREF(items);
    return result;
}

char CPyMatch_IsMapping(PyObject *subject) {
    return PyType_HasFeature(Py_TYPE(subject), Py_TPFLAGS_MAPPING) != 0;
}

PyObject *CPyMatch_MappingGet(PyObject *subject, PyObject *key) {
    PyObject *sentinel = no_match();
    if (sentinel == NULL) {
        return NULL;
    }
    PyObject *v = PyObject_CallMethod(subject, "get", "OO", key, sentinel);
    Py_DECREF(sentinel);
    return v;
}

PyObject *CPyMatch_MappingRest(PyObject *subject, PyObject *keys) {
    PyObject *rest = PyDict_New();
    if (rest == NULL) {
        return NULL;
    }
    if (PyDict_Update(rest, subject) < 0 && (PyErr_Clear(), PyDict_Merge(rest, subject, 1) < 0)) {
        Py_DECREF(rest);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(keys); i++) {
        if (PyDict_DelItem(rest, PyTuple_GET_ITEM(keys, i)) < 0) {
            PyErr_Clear();
        }
    }
    return rest;
}

/* Builtin types whose single positional sub-pattern matches the subject. */
static int matches_self(PyTypeObject *t) {
    return PyType_HasFeature(t, Py_TPFLAGS_LONG_SUBCLASS | Py_TPFLAGS_LIST_SUBCLASS |
                                    Py_TPFLAGS_TUPLE_SUBCLASS | Py_TPFLAGS_BYTES_SUBCLASS |
                                    Py_TPFLAGS_UNICODE_SUBCLASS | Py_TPFLAGS_DICT_SUBCLASS) ||
           PyType_IsSubtype(t, &PyFloat_Type) || PyType_IsSubtype(t, &PySet_Type) ||
           PyType_IsSubtype(t, &PyFrozenSet_Type) || PyType_IsSubtype(t, &PyByteArray_Type) ||
           PyType_IsSubtype(t, &PyBool_Type);
}

static PyObject *get_attr_or_no_match(PyObject *subject, PyObject *name) {
    PyObject *v = PyObject_GetAttr(subject, name);
    if (v == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        return no_match();
    }
    return v;
}

PyObject *CPyMatch_Class(PyObject *subject, PyObject *cls, Py_ssize_t npos, PyObject *kwnames) {
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "called match pattern must be a class");
        return NULL;
    }
    int inst = PyObject_IsInstance(subject, cls);
    if (inst < 0) {
        return NULL;
    }
    if (!inst) {
        return no_match();
    }
    Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    PyObject *result = PyTuple_New(npos + nkw);
    if (result == NULL) {
        return NULL;
    }
    PyObject *match_args = NULL;
    if (npos > 0) {
        match_args = PyObject_GetAttrString(cls, "__match_args__");
        if (match_args == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
                goto error;
            }
            PyErr_Clear();
            if (npos == 1 && matches_self((PyTypeObject *)cls)) {
                Py_INCREF(subject);
                PyTuple_SET_ITEM(result, 0, subject);
                goto keywords;
            }
            PyErr_Format(PyExc_TypeError, "%s() accepts 0 positional sub-patterns (%zd given)",
                         ((PyTypeObject *)cls)->tp_name, npos);
            goto error;
        }
        if (!PyTuple_Check(match_args)) {
            PyErr_Format(PyExc_TypeError, "%s.__match_args__ must be a tuple (got %s)",
                         ((PyTypeObject *)cls)->tp_name, Py_TYPE(match_args)->tp_name);
            goto error;
        }
        if (npos > PyTuple_GET_SIZE(match_args)) {
            PyErr_Format(PyExc_TypeError, "%s() accepts %zd positional sub-patterns (%zd given)",
                         ((PyTypeObject *)cls)->tp_name, PyTuple_GET_SIZE(match_args), npos);
            goto error;
        }
        for (Py_ssize_t i = 0; i < npos; i++) {
            PyObject *v = get_attr_or_no_match(subject, PyTuple_GET_ITEM(match_args, i));
            if (v == NULL || CPyMatch_IsNoMatch(v)) {
                Py_XDECREF(match_args);
                Py_DECREF(result);
                return v;
            }
            PyTuple_SET_ITEM(result, i, v);
        }
    }
keywords:
    Py_XDECREF(match_args);
    match_args = NULL;
    for (Py_ssize_t i = 0; i < nkw; i++) {
        PyObject *v = get_attr_or_no_match(subject, PyTuple_GET_ITEM(kwnames, i));
        if (v == NULL || CPyMatch_IsNoMatch(v)) {
            Py_DECREF(result);
            return v;
        }
        PyTuple_SET_ITEM(result, npos + i, v);
    }
    return result;
error:
    Py_XDECREF(match_args);
    Py_DECREF(result);
    return NULL;
}
