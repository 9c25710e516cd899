/*
 * builtin_ops.c: builtin functions with a direct C implementation.
 *
 * Owns two-argument min()/max() on objects, chr(), hash(), id(), getattr()
 * with a default, hasattr(), setattr() and sorted(). Each does what the
 * builtin does for those arguments, in the same order of operations (the
 * comparisons min() makes, the attribute lookups hasattr() makes), so that
 * results, exceptions and side effects match the interpreter's.
 */
#include "CPy.h"

/* min(a, b) / max(a, b): the builtin compares the later item with the
 * current one and replaces it only when the comparison is true. */
static PyObject *cpy_min_max(PyObject *a, PyObject *b, int op) {
    int r = PyObject_RichCompareBool(b, a, op);
    if (r < 0) {
        return NULL;
    }
    PyObject *result = r ? b : a;
    Py_INCREF(result);
    return result;
}

PyObject *CPyObject_Min(PyObject *a, PyObject *b) {
    return cpy_min_max(a, b, Py_LT);
}

PyObject *CPyObject_Max(PyObject *a, PyObject *b) {
    return cpy_min_max(a, b, Py_GT);
}

/* An int that a double holds exactly (|v| <= 2**53) compares with floats
 * as a double; *d receives it. */
static int cpy_exact_double(CPyTagged a, double *d) {
    const Py_ssize_t limit = (Py_ssize_t)1 << 53;
    if (CPyTagged_CheckShort(a)) {
        Py_ssize_t v = CPyTagged_ShortAsSsize_t(a);
        if (v <= limit && v >= -limit) {
            *d = (double)v;
            return 1;
        }
    }
    return 0;
}

/* min/max of an int and a float (in argument order) compared as objects,
 * the result converted to float (OverflowError for a huge int result). */
static double cpy_min_max_mixed(CPyTagged i, double f, int int_first, int op) {
    PyObject *io = CPyTagged_AsObject(i);
    if (io == NULL) {
        return CPY_FLOAT_ERROR;
    }
    PyObject *fo = PyFloat_FromDouble(f);
    if (fo == NULL) {
        Py_DECREF(io);
        return CPY_FLOAT_ERROR;
    }
    PyObject *r = int_first ? cpy_min_max(io, fo, op) : cpy_min_max(fo, io, op);
    Py_DECREF(io);
    Py_DECREF(fo);
    if (r == NULL) {
        return CPY_FLOAT_ERROR;
    }
    double d = CPyFloat_FromObject(r);
    Py_DECREF(r);
    return d;
}

double CPyFloat_MinIntFloat(CPyTagged a, double b) {
    double da;
    if (CPY_LIKELY(cpy_exact_double(a, &da))) {
        return b < da ? b : da;
    }
    return cpy_min_max_mixed(a, b, 1, Py_LT);
}

double CPyFloat_MinFloatInt(double a, CPyTagged b) {
    double db;
    if (CPY_LIKELY(cpy_exact_double(b, &db))) {
        return db < a ? db : a;
    }
    return cpy_min_max_mixed(b, a, 0, Py_LT);
}

double CPyFloat_MaxIntFloat(CPyTagged a, double b) {
    double da;
    if (CPY_LIKELY(cpy_exact_double(a, &da))) {
        return b > da ? b : da;
    }
    return cpy_min_max_mixed(a, b, 1, Py_GT);
}

double CPyFloat_MaxFloatInt(double a, CPyTagged b) {
    double db;
    if (CPY_LIKELY(cpy_exact_double(b, &db))) {
        return db > a ? db : a;
    }
    return cpy_min_max_mixed(b, a, 0, Py_GT);
}

/* The builtin named `name` called with one argument (new ref). */
static PyObject *cpy_call_builtin1(const char *name, PyObject *arg) {
    PyObject *builtins = CPy_GetBuiltins();
    if (builtins == NULL) {
        return NULL;
    }
    PyObject *func = PyObject_GetAttrString(builtins, name);
    if (func == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_CallOneArg(func, arg);
    Py_DECREF(func);
    return r;
}

PyObject *CPyStr_Chr(CPyTagged x) {
    if (CPY_LIKELY(CPyTagged_CheckShort(x))) {
        Py_ssize_t v = CPyTagged_ShortAsSsize_t(x);
        if (v >= 0 && v <= 0x10ffff) {
            return PyUnicode_FromOrdinal((int)v);
        }
    }
    /* Out of range: the builtin's own error (its type and message differ
     * between CPython versions for values beyond a C int). */
    PyObject *o = CPyTagged_AsObject(x);
    if (o == NULL) {
        return NULL;
    }
    PyObject *r = cpy_call_builtin1("chr", o);
    Py_DECREF(o);
    return r;
}

CPyTagged CPyObject_Hash(PyObject *o) {
    Py_hash_t h = PyObject_Hash(o);
    if (h == -1 && PyErr_Occurred()) {
        return CPY_INT_TAG;
    }
    return CPyTagged_FromSsize_t((Py_ssize_t)h);
}

CPyTagged CPyTagged_Id(PyObject *o) {
    uintptr_t p = (uintptr_t)o;
    if (p <= (uintptr_t)CPY_TAGGED_MAX) {
        return CPyTagged_ShortFromSsize_t((Py_ssize_t)p);
    }
    PyObject *r = PyLong_FromVoidPtr(o);
    if (r == NULL) {
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(r);
}

/* The attribute, or NULL: *found is 0 when it is missing (AttributeError,
 * cleared) and -1 on any other error. */
static PyObject *cpy_lookup_attr(PyObject *o, PyObject *name, int *found) {
    PyObject *r = PyObject_GetAttr(o, name);
    if (r != NULL) {
        *found = 1;
        return r;
    }
    if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        *found = 0;
    } else {
        *found = -1;
    }
    return NULL;
}

PyObject *CPyObject_GetAttr3(PyObject *o, PyObject *name, PyObject *fallback) {
    int found;
    PyObject *r = cpy_lookup_attr(o, name, &found);
    if (found == 0) {
        Py_INCREF(fallback);
        return fallback;
    }
    return r;
}

/* Does reading an attribute of a class whose metaclass is `meta` look in
 * the class's MRO as `type.__getattribute__` does? (A metaclass may add a
 * `__getattr__`, consulted only for names not found.) */
static int cpy_type_lookup_is_standard(PyTypeObject *meta) {
    if (meta->tp_getattro == PyType_Type.tp_getattro) {
        return 1;
    }
    static PyObject *getattribute;
    if (getattribute == NULL) {
        getattribute = PyUnicode_InternFromString("__getattribute__");
        if (getattribute == NULL) {
            PyErr_Clear();
            return 0;
        }
    }
    PyObject *own = _PyType_Lookup(meta, getattribute);
    return own != NULL && own == _PyType_Lookup(&PyType_Type, getattribute);
}

PyObject *CPyObject_GetAttrSlow(PyObject *obj, PyObject *name, CPyClassAttrCache *cache) {
    PyObject *v = PyObject_GetAttr(obj, name);
    if (v == NULL || !PyType_Check(obj) || !PyUnicode_CheckExact(name)) {
        return v;
    }
    PyTypeObject *cls = (PyTypeObject *)obj, *meta = Py_TYPE(obj);
    if (Py_TYPE(v)->tp_descr_get != NULL
            || !cpy_type_lookup_is_standard(meta)
            || _PyType_Lookup(meta, name) != NULL
            || _PyType_Lookup(cls, name) != v
            || !PyType_HasFeature(cls, Py_TPFLAGS_VALID_VERSION_TAG)
            || !PyType_HasFeature(meta, Py_TPFLAGS_VALID_VERSION_TAG)) {
        return v;
    }
    Py_INCREF(obj);
    Py_XSETREF(cache->cls, obj);
    cache->cls_version = cls->tp_version_tag;
    cache->meta_version = meta->tp_version_tag;
    cache->value = v;
    return v;
}

char CPyObject_HasAttr(PyObject *o, PyObject *name) {
    int found;
    PyObject *r = cpy_lookup_attr(o, name, &found);
    Py_XDECREF(r);
    return found < 0 ? 2 : (char)found;
}

char CPyObject_SetAttrNone(PyObject *o, PyObject *name, PyObject *value) {
    return PyObject_SetAttr(o, name, value) < 0 ? 2 : 1;
}

PyObject *CPySequence_Sorted(PyObject *iterable) {
    PyObject *list = PySequence_List(iterable);
    if (list == NULL) {
        return NULL;
    }
    if (PyList_Sort(list) < 0) {
        Py_DECREF(list);
        return NULL;
    }
    return list;
}
