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

PyObject *CPyClass_Create(PyObject *name, PyObject *bases, PyObject *ns, PyObject *meta) {
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
