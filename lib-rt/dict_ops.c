/*
 * dict_ops.c: dicts and sets.
 *
 * Owns building dicts/sets from C varargs, the item/membership helpers and
 * the dict and set methods with a C implementation. Exact dicts and sets
 * use the concrete API; subclasses (defaultdict, OrderedDict, user classes)
 * go through the abstract protocol or call the method itself, so that
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

PyObject *CPyDict_KeysList(PyObject *dict) {
    /* An exact dict's keys are copied directly; a subclass may iterate
     * differently. */
    if (PyDict_CheckExact(dict)) {
        return PyDict_Keys(dict);
    }
    return PySequence_List(dict);
}

int CPyDict_Contains(PyObject *dict, PyObject *key) {
    if (PyDict_CheckExact(dict)) {
        return PyDict_Contains(dict, key);
    }
    return PySequence_Contains(dict, key);
}

/* A set used as a key of a set operation is looked up as a frozenset:
 * after a set operation failed on `key`, should it be redone by the
 * method itself (which does that)? Clears the TypeError if so. */
static int cpy_retry_as_frozenset(PyObject *key) {
    if (PySet_Check(key) && PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Clear();
        return 1;
    }
    return 0;
}

int CPySet_Contains(PyObject *set, PyObject *key) {
    if (PyAnySet_CheckExact(set)) {
        int r = PySet_Contains(set, key);
        if (r >= 0 || !cpy_retry_as_frozenset(key)) {
            return r;
        }
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

/* ---- dict methods ---- */

PyObject *CPyDict_GetWithNone(PyObject *dict, PyObject *key) {
    return CPyDict_Get(dict, key, Py_None);
}

PyObject *CPyDict_SetDefault(PyObject *dict, PyObject *key, PyObject *value) {
    if (CPY_UNLIKELY(!PyDict_CheckExact(dict))) {
        return CPy_CallMethodName(dict, "setdefault", 2, key, value);
    }
    PyObject *r = PyDict_SetDefault(dict, key, value);
    Py_XINCREF(r);
    return r;
}

PyObject *CPyDict_SetDefaultEmpty(PyObject *dict, PyObject *key, Py_ssize_t kind) {
    if (CPY_LIKELY(PyDict_CheckExact(dict))) {
        PyObject *found = PyDict_GetItemWithError(dict, key);
        if (found != NULL) {
            Py_INCREF(found);
            return found;
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    PyObject *empty = kind == 0 ? PyList_New(0) : kind == 1 ? PyDict_New() : PySet_New(NULL);
    if (empty == NULL) {
        return NULL;
    }
    PyObject *r = CPyDict_SetDefault(dict, key, empty);
    Py_DECREF(empty);
    return r;
}

PyObject *CPyDict_SetDefaultWithNone(PyObject *dict, PyObject *key) {
    return CPyDict_SetDefault(dict, key, Py_None);
}

/* dict.pop(key[, fallback]); `fallback` NULL: KeyError if missing. */
static PyObject *cpy_dict_pop(PyObject *dict, PyObject *key, PyObject *fallback) {
    if (CPY_UNLIKELY(!PyDict_CheckExact(dict))) {
        if (fallback == NULL) {
            return CPy_CallMethodName(dict, "pop", 1, key);
        }
        return CPy_CallMethodName(dict, "pop", 2, key, fallback);
    }
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *r;
    int found = PyDict_Pop(dict, key, &r);
    if (found < 0) {
        return NULL;
    }
    if (found == 0) {
        if (fallback == NULL) {
            cpy_raise_key_error(key);
            return NULL;
        }
        Py_INCREF(fallback);
        return fallback;
    }
    return r;
#else
    return _PyDict_Pop(dict, key, fallback);
#endif
}

PyObject *CPyDict_Pop(PyObject *dict, PyObject *key) {
    return cpy_dict_pop(dict, key, NULL);
}

PyObject *CPyDict_PopDefault(PyObject *dict, PyObject *key, PyObject *fallback) {
    return cpy_dict_pop(dict, key, fallback);
}

PyObject *CPyDict_Copy(PyObject *dict) {
    if (CPY_UNLIKELY(!PyDict_CheckExact(dict))) {
        return CPy_CallMethodName(dict, "copy", 0);
    }
    return PyDict_Copy(dict);
}

char CPyDict_Clear(PyObject *dict) {
    if (CPY_UNLIKELY(!PyDict_CheckExact(dict))) {
        return CPy_NoneResult(CPy_CallMethodName(dict, "clear", 0));
    }
    PyDict_Clear(dict);
    return 1;
}

char CPyDict_Update(PyObject *dict, PyObject *other) {
    if (CPY_UNLIKELY(!PyDict_CheckExact(dict))) {
        return CPy_NoneResult(CPy_CallMethodName(dict, "update", 1, other));
    }
    /* As dict.update: a dict, else anything with keys() is a mapping,
     * else an iterable of pairs. */
    if (PyDict_CheckExact(other)) {
        return PyDict_Merge(dict, other, 1) < 0 ? 2 : 1;
    }
    PyObject *keys = PyObject_GetAttrString(other, "keys");
    if (keys != NULL) {
        Py_DECREF(keys);
        return PyDict_Merge(dict, other, 1) < 0 ? 2 : 1;
    }
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
        return 2;
    }
    PyErr_Clear();
    return PyDict_MergeFromSeq2(dict, other, 1) < 0 ? 2 : 1;
}

/* ---- set methods ---- */

static int cpy_set_exact(PyObject *set) {
    return Py_IS_TYPE(set, &PySet_Type);
}

char CPySet_Add(PyObject *set, PyObject *key) {
    if (CPY_UNLIKELY(!cpy_set_exact(set))) {
        return CPy_NoneResult(CPy_CallMethodName(set, "add", 1, key));
    }
    return PySet_Add(set, key) < 0 ? 2 : 1;
}

char CPySet_Discard(PyObject *set, PyObject *key) {
    if (CPY_LIKELY(cpy_set_exact(set))) {
        int r = PySet_Discard(set, key);
        if (r >= 0) {
            return 1;
        }
        if (!cpy_retry_as_frozenset(key)) {
            return 2;
        }
    }
    return CPy_NoneResult(CPy_CallMethodName(set, "discard", 1, key));
}

char CPySet_Remove(PyObject *set, PyObject *key) {
    if (CPY_LIKELY(cpy_set_exact(set))) {
        int r = PySet_Discard(set, key);
        if (r > 0) {
            return 1;
        }
        if (r == 0) {
            cpy_raise_key_error(key);
            return 2;
        }
        if (!cpy_retry_as_frozenset(key)) {
            return 2;
        }
    }
    return CPy_NoneResult(CPy_CallMethodName(set, "remove", 1, key));
}

PyObject *CPySet_Pop(PyObject *set) {
    if (CPY_UNLIKELY(!cpy_set_exact(set))) {
        return CPy_CallMethodName(set, "pop", 0);
    }
    return PySet_Pop(set);
}

char CPySet_Clear(PyObject *set) {
    if (CPY_UNLIKELY(!cpy_set_exact(set))) {
        return CPy_NoneResult(CPy_CallMethodName(set, "clear", 0));
    }
    return PySet_Clear(set) < 0 ? 2 : 1;
}
