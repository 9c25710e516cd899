/* Classes built at runtime: the class statement protocol (metaclass
 * selection, __prepare__, namespace, metaclass call) for classes whose
 * bodies are compiled, and method binding for compiled functions. */
#include "CPy.h"

/* The most derived metaclass among `meta` and the metaclasses of `bases`;
 * TypeError on a conflict, as the interpreter reports it. Borrowed. */
static PyObject *cpy_calculate_metaclass(PyObject *meta, PyObject *bases) {
    PyObject *winner = meta;
    Py_ssize_t n = PyTuple_GET_SIZE(bases);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *base_meta = (PyObject *)Py_TYPE(PyTuple_GET_ITEM(bases, i));
        if (PyType_IsSubtype((PyTypeObject *)winner, (PyTypeObject *)base_meta)) {
            continue;
        }
        if (PyType_IsSubtype((PyTypeObject *)base_meta, (PyTypeObject *)winner)) {
            winner = base_meta;
            continue;
        }
        PyErr_SetString(PyExc_TypeError,
                        "metaclass conflict: the metaclass of a derived class must be a "
                        "(non-strict) subclass of the metaclasses of all its bases");
        return NULL;
    }
    return winner;
}

static PyObject *cpy_create_class(PyObject *name, PyObject *bases, PyObject *ns, PyObject *meta);

/* PEP 560: replace bases that define __mro_entries__ by the classes it
 * returns. New ref to the resolved tuple (the same tuple, increfed, when
 * nothing changed), NULL on error. */
static PyObject *cpy_resolve_bases(PyObject *bases) {
    Py_ssize_t n = PyTuple_GET_SIZE(bases);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    int changed = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *base = PyTuple_GET_ITEM(bases, i);
        PyObject *meth = NULL;
        if (!PyType_Check(base)) {
            meth = PyObject_GetAttrString(base, "__mro_entries__");
            if (meth == NULL) {
                if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
                    Py_DECREF(out);
                    return NULL;
                }
                PyErr_Clear();
            }
        }
        if (meth == NULL) {
            if (PyList_Append(out, base) < 0) {
                Py_DECREF(out);
                return NULL;
            }
            continue;
        }
        PyObject *entries = PyObject_CallOneArg(meth, bases);
        Py_DECREF(meth);
        if (entries == NULL || !PyTuple_Check(entries)) {
            if (entries != NULL) {
                PyErr_SetString(PyExc_TypeError, "__mro_entries__ must return a tuple");
                Py_DECREF(entries);
            }
            Py_DECREF(out);
            return NULL;
        }
        changed = 1;
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(entries); j++) {
            if (PyList_Append(out, PyTuple_GET_ITEM(entries, j)) < 0) {
                Py_DECREF(entries);
                Py_DECREF(out);
                return NULL;
            }
        }
        Py_DECREF(entries);
    }
    if (!changed) {
        Py_DECREF(out);
        Py_INCREF(bases);
        return bases;
    }
    PyObject *t = PyList_AsTuple(out);
    Py_DECREF(out);
    return t;
}

PyObject *CPyClass_Create(PyObject *name, PyObject *orig_bases, PyObject *ns, PyObject *meta) {
    PyObject *bases = cpy_resolve_bases(orig_bases);
    if (bases == NULL) {
        return NULL;
    }
    if (bases != orig_bases && PyDict_SetItemString(ns, "__orig_bases__", orig_bases) < 0) {
        Py_DECREF(bases);
        return NULL;
    }
    PyObject *cls = cpy_create_class(name, bases, ns, meta);
    Py_DECREF(bases);
    return cls;
}

static PyObject *cpy_create_class(PyObject *name, PyObject *bases, PyObject *ns, PyObject *meta) {
    PyObject *m = meta;
    if (m == NULL || m == Py_None) {
        m = (PyObject *)&PyType_Type;
    }
    if (PyType_Check(m)) {
        m = cpy_calculate_metaclass(m, bases);
        if (m == NULL) {
            return NULL;
        }
    }
    PyObject *prepared;
    PyObject *prepare = PyObject_GetAttrString(m, "__prepare__");
    if (prepare == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
            return NULL;
        }
        PyErr_Clear();
        prepared = PyDict_New();
    } else {
        prepared = PyObject_CallFunctionObjArgs(prepare, name, bases, NULL);
        Py_DECREF(prepare);
    }
    if (prepared == NULL) {
        return NULL;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(ns, &pos, &key, &value)) {
        if (PyObject_SetItem(prepared, key, value) < 0) {
            Py_DECREF(prepared);
            return NULL;
        }
    }
    PyObject *cls = PyObject_CallFunctionObjArgs(m, name, bases, prepared, NULL);
    Py_DECREF(prepared);
    return cls;
}

PyObject *CPy_InstanceMethod(PyObject *func) {
    return PyInstanceMethod_New(func);
}

tuple_T3OOO CPy_GetExcInfo(void) {
    tuple_T3OOO info;
    PyErr_GetExcInfo(&info.f0, &info.f1, &info.f2);
    if (info.f0 == NULL) {
        info.f0 = Py_None;
        Py_INCREF(Py_None);
    }
    if (info.f1 == NULL) {
        info.f1 = Py_None;
        Py_INCREF(Py_None);
    }
    if (info.f2 == NULL) {
        info.f2 = Py_None;
        Py_INCREF(Py_None);
    }
    return info;
}

char CPy_KeepPropagating(void) {
    return 0;
}
