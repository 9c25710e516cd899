/*
 * dict_iter.c: walking a dict, or its keys(), values() or items(), in a
 * compiled `for` loop (see compiler/irbuild/for_loops.rs).
 *
 * An exact dict is walked with PyDict_Next, its size checked at every
 * step as the interpreter's dict iterators do; anything else (a subclass,
 * which may override __iter__, keys(), values() or items()) goes through
 * the iterator of the view the loop asked for. The walker is a small
 * object holding the position and the value of the current entry, so
 * that items() loops bind the key and the value without a tuple.
 */
#include "CPy.h"

enum { CPY_WALK_KEYS, CPY_WALK_VALUES, CPY_WALK_ITEMS };

typedef struct {
    PyObject_HEAD
    PyObject *dict;  /* an exact dict walked with PyDict_Next, or NULL */
    PyObject *iter;  /* otherwise the iterator of the view */
    Py_ssize_t pos;
    Py_ssize_t size;
    PyObject *value; /* the value of the current entry (items) */
    int kind;
} CPyDictWalk;

static void walk_dealloc(PyObject *o) {
    CPyDictWalk *w = (CPyDictWalk *)o;
    Py_XDECREF(w->dict);
    Py_XDECREF(w->iter);
    Py_XDECREF(w->value);
    PyTypeObject *tp = Py_TYPE(o);
    tp->tp_free(o);
    Py_DECREF(tp);
}

static PyType_Slot walk_slots[] = {
    {Py_tp_dealloc, walk_dealloc},
    {0, NULL},
};

static PyType_Spec walk_spec = {
    "builtins.mypyc_dict_walk", sizeof(CPyDictWalk), 0, Py_TPFLAGS_DEFAULT, walk_slots,
};

static PyObject *walk_type = NULL;

static PyObject *walk_new(PyObject *d, int kind) {
    if (walk_type == NULL) {
        walk_type = PyType_FromSpec(&walk_spec);
        if (walk_type == NULL) {
            return NULL;
        }
    }
    CPyDictWalk *w = PyObject_New(CPyDictWalk, (PyTypeObject *)walk_type);
    if (w == NULL) {
        return NULL;
    }
    Py_INCREF(walk_type);
    w->dict = NULL;
    w->iter = NULL;
    w->value = NULL;
    w->pos = 0;
    w->size = 0;
    w->kind = kind;
    if (PyDict_CheckExact(d)) {
        w->dict = Py_NewRef(d);
        w->size = PyDict_GET_SIZE(d);
        return (PyObject *)w;
    }
    static const char *const views[] = {NULL, "values", "items"};
    PyObject *view = kind == CPY_WALK_KEYS ? Py_NewRef(d)
                                           : PyObject_CallMethod(d, views[kind], NULL);
    if (view != NULL) {
        w->iter = PyObject_GetIter(view);
        Py_DECREF(view);
    }
    if (w->iter == NULL) {
        Py_DECREF(w);
        return NULL;
    }
    return (PyObject *)w;
}

PyObject *CPyDictWalk_Keys(PyObject *d) { return walk_new(d, CPY_WALK_KEYS); }
PyObject *CPyDictWalk_Values(PyObject *d) { return walk_new(d, CPY_WALK_VALUES); }
PyObject *CPyDictWalk_Items(PyObject *d) { return walk_new(d, CPY_WALK_ITEMS); }

/* The next key (for values(), the next value), a new reference; NULL at
 * the end, with an exception set if the walk failed. */
static PyObject *walk_next_generic(CPyDictWalk *w) {
    PyObject *item = PyIter_Next(w->iter);
    if (item == NULL || w->kind != CPY_WALK_ITEMS) {
        return item;
    }
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
        Py_DECREF(item);
        PyErr_SetString(PyExc_TypeError, "items() must give (key, value) pairs");
        return NULL;
    }
    PyObject *key = Py_NewRef(PyTuple_GET_ITEM(item, 0));
    Py_XSETREF(w->value, Py_NewRef(PyTuple_GET_ITEM(item, 1)));
    Py_DECREF(item);
    return key;
}

PyObject *CPyDictWalk_Next(PyObject *o) {
    CPyDictWalk *w = (CPyDictWalk *)o;
    if (w->dict == NULL) {
        return walk_next_generic(w);
    }
    if (PyDict_GET_SIZE(w->dict) != w->size) {
        PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
        return NULL;
    }
    PyObject *key, *value;
    if (!PyDict_Next(w->dict, &w->pos, &key, &value)) {
        return NULL;
    }
    if (w->kind == CPY_WALK_VALUES) {
        return Py_NewRef(value);
    }
    if (w->kind == CPY_WALK_ITEMS) {
        Py_XSETREF(w->value, Py_NewRef(value));
    }
    return Py_NewRef(key);
}

/* The value of the entry the last CPyDictWalk_Next gave (items()). */
PyObject *CPyDictWalk_Value(PyObject *o) {
    CPyDictWalk *w = (CPyDictWalk *)o;
    return Py_NewRef(w->value != NULL ? w->value : Py_None);
}
