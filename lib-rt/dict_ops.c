/*
 * dict_ops.c: dicts and sets.
 *
 * Owns building dicts/sets from C varargs and the item/membership helpers.
 * Exact dicts use the concrete PyDict API; subclasses (defaultdict,
 * OrderedDict, user classes) go through the abstract protocol so that
 * overridden methods such as __missing__ and __getitem__ are honoured.
 */
#include "CPy.h"

PyObject *CPyDict_Build(Py_ssize_t n, ...) {
    PyObject *dict = PyDict_New();
    if (dict == NULL) {
        return NULL;
    }
    va_list ap;
    va_start(ap, n);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = va_arg(ap, PyObject *);
        PyObject *value = va_arg(ap, PyObject *);
        if (PyDict_SetItem(dict, key, value) < 0) {
            va_end(ap);
            Py_DECREF(dict);
            return NULL;
        }
    }
    va_end(ap);
    return dict;
}

PyObject *CPySet_Build(Py_ssize_t n, ...) {
    PyObject *set = PySet_New(NULL);
    if (set == NULL) {
        return NULL;
    }
    va_list ap;
    va_start(ap, n);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = va_arg(ap, PyObject *);
        if (PySet_Add(set, item) < 0) {
            va_end(ap);
            Py_DECREF(set);
            return NULL;
        }
    }
    va_end(ap);
    return set;
}

/* KeyError(key), wrapping the key in a 1-tuple so that a tuple key is not
 * taken as the exception's argument list. */
static void cpy_raise_key_error(PyObject *key) {
    PyObject *args = PyTuple_Pack(1, key);
    if (args != NULL) {
        PyErr_SetObject(PyExc_KeyError, args);
        Py_DECREF(args);
    }
}

PyObject *CPyDict_GetItem(PyObject *dict, PyObject *key) {
    if (PyDict_CheckExact(dict)) {
        PyObject *v = PyDict_GetItemWithError(dict, key);
        if (v != NULL) {
            Py_INCREF(v);
            return v;
        }
        if (!PyErr_Occurred()) {
            cpy_raise_key_error(key);
        }
        return NULL;
    }
    return PyObject_GetItem(dict, key);
}

int CPyDict_SetItem(PyObject *dict, PyObject *key, PyObject *value) {
    if (PyDict_CheckExact(dict)) {
        return PyDict_SetItem(dict, key, value);
    }
    return PyObject_SetItem(dict, key, value);
}

PyObject *CPyDict_Get(PyObject *dict, PyObject *key, PyObject *fallback) {
    if (PyDict_CheckExact(dict)) {
        PyObject *v = PyDict_GetItemWithError(dict, key);
        if (v == NULL) {
            if (PyErr_Occurred()) {
                return NULL;
            }
            v = fallback;
        }
        Py_INCREF(v);
        return v;
    }
    PyObject *name = PyUnicode_InternFromString("get");
    if (name == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallMethodObjArgs(dict, name, key, fallback, NULL);
    Py_DECREF(name);
    return r;
}

int CPyDict_Contains(PyObject *dict, PyObject *key) {
    if (PyDict_CheckExact(dict)) {
        return PyDict_Contains(dict, key);
    }
    return PySequence_Contains(dict, key);
}

int CPySet_Contains(PyObject *set, PyObject *key) {
    if (PyAnySet_CheckExact(set)) {
        return PySet_Contains(set, key);
    }
    return PySequence_Contains(set, key);
}

int CPyDict_MergeKwarg(PyObject *kwargs, PyObject *key, PyObject *value) {
    int present = PyDict_Contains(kwargs, key);
    if (present < 0) {
        return -1;
    }
    if (present) {
        PyErr_Format(PyExc_TypeError, "got multiple values for keyword argument '%U'", key);
        return -1;
    }
    return PyDict_SetItem(kwargs, key, value);
}

int CPyDict_MergeKwargs(PyObject *kwargs, PyObject *mapping) {
    PyObject *keys = PyMapping_Keys(mapping);
    if (keys == NULL) {
        if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            PyErr_Format(PyExc_TypeError, "argument after ** must be a mapping, not %.200s",
                         Py_TYPE(mapping)->tp_name);
        }
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(keys);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "keywords must be strings");
            Py_DECREF(keys);
            return -1;
        }
        PyObject *value = PyObject_GetItem(mapping, key);
        if (value == NULL) {
            Py_DECREF(keys);
            return -1;
        }
        int r = CPyDict_MergeKwarg(kwargs, key, value);
        Py_DECREF(value);
        if (r < 0) {
            Py_DECREF(keys);
            return -1;
        }
    }
    Py_DECREF(keys);
    return 0;
}

int CPyDict_MergeMapping(PyObject *dict, PyObject *mapping) {
    if (PyDict_Check(mapping)) {
        return PyDict_Update(dict, mapping);
    }
    if (!PyObject_HasAttrString(mapping, "keys")) {
        PyErr_Format(PyExc_TypeError, "'%.200s' object is not a mapping", Py_TYPE(mapping)->tp_name);
        return -1;
    }
    return PyDict_Merge(dict, mapping, 1);
}
