/*
 * test_runtime.c: the `_cpyrt_test` extension module, a thin Python-callable
 * shim over the runtime library so that test_runtime.py can compare every
 * helper against the interpreter's own behaviour.
 *
 * Tagged-int results come back as (value, is_short); every tagged result is
 * checked here for normalization (a boxed int must not fit the short range).
 */
#include "../CPy.h"

#include <string.h>

/* ---- tagged-int plumbing --------------------------------------------- */

/* Tag a Python int argument (new ref), or CPY_INT_TAG with TypeError. */
static CPyTagged tag_arg(PyObject *o) {
    if (!PyLong_Check(o)) {
        CPy_TypeError("int", o);
        return CPY_INT_TAG;
    }
    return CPyTagged_FromObject(o);
}

/* (value, is_short) for a tagged result (stolen); NULL if it signals an error. */
static PyObject *tagged_result(CPyTagged r) {
    if (r == CPY_INT_TAG) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_AssertionError, "CPY_INT_TAG without an exception");
        }
        return NULL;
    }
    if (PyErr_Occurred()) {
        CPyTagged_DECREF(r);
        PyErr_SetString(PyExc_AssertionError, "valid result with an exception set");
        return NULL;
    }
    int is_short = CPyTagged_CheckShort(r);
    if (!is_short) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(CPyTagged_LongAsObject(r), &overflow);
        if (overflow == 0 && v >= CPY_TAGGED_MIN && v <= CPY_TAGGED_MAX) {
            CPyTagged_DECREF(r);
            PyErr_SetString(PyExc_AssertionError, "boxed result fits the short form");
            return NULL;
        }
    }
    PyObject *value = CPyTagged_StealAsObject(r);
    if (value == NULL) {
        return NULL;
    }
    return Py_BuildValue("(NO)", value, is_short ? Py_True : Py_False);
}

static PyObject *double_result(double d) {
    if (d == CPY_FLOAT_ERROR && PyErr_Occurred()) {
        return NULL;
    }
    if (PyErr_Occurred()) {
        PyErr_SetString(PyExc_AssertionError, "valid result with an exception set");
        return NULL;
    }
    return PyFloat_FromDouble(d);
}

static PyObject *t_int_binop(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *ao, *bo;
    if (!PyArg_ParseTuple(args, "sOO", &op, &ao, &bo)) {
        return NULL;
    }
    CPyTagged a = tag_arg(ao);
    if (a == CPY_INT_TAG) {
        return NULL;
    }
    CPyTagged b = tag_arg(bo);
    if (b == CPY_INT_TAG) {
        CPyTagged_DECREF(a);
        return NULL;
    }
    PyObject *obj_result = NULL;
    double dbl_result = 0.0;
    int kind = 0; /* 0: tagged, 1: object, 2: double */
    CPyTagged r = CPY_INT_TAG;
    if (strcmp(op, "+") == 0) {
        r = CPyTagged_Add(a, b);
    } else if (strcmp(op, "-") == 0) {
        r = CPyTagged_Subtract(a, b);
    } else if (strcmp(op, "*") == 0) {
        r = CPyTagged_Multiply(a, b);
    } else if (strcmp(op, "//") == 0) {
        r = CPyTagged_FloorDivide(a, b);
    } else if (strcmp(op, "%") == 0) {
        r = CPyTagged_Remainder(a, b);
    } else if (strcmp(op, "&") == 0) {
        r = CPyTagged_And(a, b);
    } else if (strcmp(op, "|") == 0) {
        r = CPyTagged_Or(a, b);
    } else if (strcmp(op, "^") == 0) {
        r = CPyTagged_Xor(a, b);
    } else if (strcmp(op, "<<") == 0) {
        r = CPyTagged_Lshift(a, b);
    } else if (strcmp(op, ">>") == 0) {
        r = CPyTagged_Rshift(a, b);
    } else if (strcmp(op, "**") == 0) {
        kind = 1;
        obj_result = CPyTagged_Power(a, b);
    } else if (strcmp(op, "/") == 0) {
        kind = 2;
        dbl_result = CPyTagged_TrueDivide(a, b);
    } else {
        CPyTagged_DECREF(a);
        CPyTagged_DECREF(b);
        PyErr_Format(PyExc_ValueError, "unknown op %s", op);
        return NULL;
    }
    CPyTagged_DECREF(a);
    CPyTagged_DECREF(b);
    switch (kind) {
    case 1:
        return obj_result;
    case 2:
        return double_result(dbl_result);
    default:
        return tagged_result(r);
    }
}

static PyObject *t_int_unop(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *ao;
    if (!PyArg_ParseTuple(args, "sO", &op, &ao)) {
        return NULL;
    }
    CPyTagged a = tag_arg(ao);
    if (a == CPY_INT_TAG) {
        return NULL;
    }
    CPyTagged r;
    if (strcmp(op, "-") == 0) {
        r = CPyTagged_Negate(a);
    } else if (strcmp(op, "~") == 0) {
        r = CPyTagged_Invert(a);
    } else if (strcmp(op, "abs") == 0) {
        r = CPyTagged_Abs(a);
    } else {
        CPyTagged_DECREF(a);
        PyErr_Format(PyExc_ValueError, "unknown op %s", op);
        return NULL;
    }
    CPyTagged_DECREF(a);
    return tagged_result(r);
}

static PyObject *t_int_compare(PyObject *self, PyObject *args) {
    PyObject *ao, *bo;
    if (!PyArg_ParseTuple(args, "OO", &ao, &bo)) {
        return NULL;
    }
    /* Borrowed tagged values: no reference to release. */
    CPyTagged a = CPyTagged_BorrowFromObject(ao);
    CPyTagged b = CPyTagged_BorrowFromObject(bo);
    return Py_BuildValue("(iiiiii)", CPyTagged_IsEq(a, b), CPyTagged_IsNe(a, b),
                         CPyTagged_IsLt(a, b), CPyTagged_IsLe(a, b), CPyTagged_IsGt(a, b),
                         CPyTagged_IsGe(a, b));
}

static PyObject *t_int_convert(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *o;
    PyObject *extra = NULL;
    if (!PyArg_ParseTuple(args, "sO|O", &op, &o, &extra)) {
        return NULL;
    }
    if (strcmp(op, "from_any") == 0) {
        return tagged_result(CPyTagged_FromAny(o));
    }
    if (strcmp(op, "from_str") == 0) {
        return tagged_result(CPyLong_FromStr(o));
    }
    if (strcmp(op, "from_str_base") == 0) {
        CPyTagged base = tag_arg(extra);
        if (base == CPY_INT_TAG) {
            return NULL;
        }
        CPyTagged r = CPyLong_FromStrWithBase(o, base);
        CPyTagged_DECREF(base);
        return tagged_result(r);
    }
    if (strcmp(op, "from_float") == 0) {
        return tagged_result(CPyTagged_FromFloat(PyFloat_AsDouble(o)));
    }
    if (strcmp(op, "from_ssize_t") == 0) {
        Py_ssize_t v = PyLong_AsSsize_t(o);
        if (v == -1 && PyErr_Occurred()) {
            return NULL;
        }
        return tagged_result(CPyTagged_FromSsize_t(v));
    }
    if (strcmp(op, "from_int64") == 0) {
        long long v = PyLong_AsLongLong(o);
        if (v == -1 && PyErr_Occurred()) {
            return NULL;
        }
        return tagged_result(CPyTagged_FromInt64((int64_t)v));
    }
    if (strcmp(op, "steal") == 0) {
        Py_INCREF(o);
        return tagged_result(CPyTagged_StealFromObject(o));
    }
    CPyTagged x = tag_arg(o);
    if (x == CPY_INT_TAG) {
        return NULL;
    }
    PyObject *r = NULL;
    if (strcmp(op, "as_ssize_t") == 0) {
        Py_ssize_t v = CPyTagged_AsSsize_t(x);
        r = (v == -1 && PyErr_Occurred()) ? NULL : PyLong_FromSsize_t(v);
    } else if (strcmp(op, "as_double") == 0) {
        r = double_result(CPyTagged_AsDouble(x));
    } else if (strcmp(op, "str") == 0) {
        r = CPyTagged_Str(x);
    } else if (strcmp(op, "as_object") == 0) {
        r = CPyTagged_AsObject(x);
    } else if (strcmp(op, "slice_index") == 0) {
        r = PyLong_FromSsize_t(CPyTagged_AsSliceIndex(x));
    } else {
        PyErr_Format(PyExc_ValueError, "unknown op %s", op);
    }
    CPyTagged_DECREF(x);
    return r;
}

/* ---- floats ---------------------------------------------------------- */

static PyObject *t_float_binop(PyObject *self, PyObject *args) {
    const char *op;
    double a, b;
    if (!PyArg_ParseTuple(args, "sdd", &op, &a, &b)) {
        return NULL;
    }
    if (strcmp(op, "//") == 0) {
        return double_result(CPyFloat_FloorDivide(a, b));
    }
    if (strcmp(op, "%") == 0) {
        return double_result(CPyFloat_Remainder(a, b));
    }
    if (strcmp(op, "/") == 0) {
        return double_result(CPyFloat_TrueDivide(a, b));
    }
    if (strcmp(op, "**") == 0) {
        return double_result(CPyFloat_Pow(a, b));
    }
    PyErr_Format(PyExc_ValueError, "unknown op %s", op);
    return NULL;
}

static PyObject *t_float_convert(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *o;
    if (!PyArg_ParseTuple(args, "sO", &op, &o)) {
        return NULL;
    }
    if (strcmp(op, "from_object") == 0) {
        return double_result(CPyFloat_FromObject(o));
    }
    if (strcmp(op, "from_any") == 0) {
        return double_result(CPyFloat_FromAny(o));
    }
    double d = PyFloat_AsDouble(o);
    if (d == -1.0 && PyErr_Occurred()) {
        return NULL;
    }
    if (strcmp(op, "str") == 0) {
        return CPyFloat_Str(d);
    }
    if (strcmp(op, "round") == 0) {
        return tagged_result(CPyFloat_Round(d));
    }
    if (strcmp(op, "floor") == 0) {
        return tagged_result(CPyFloat_Floor(d));
    }
    if (strcmp(op, "ceil") == 0) {
        return tagged_result(CPyFloat_Ceil(d));
    }
    PyErr_Format(PyExc_ValueError, "unknown op %s", op);
    return NULL;
}

/* ---- strings ---------------------------------------------------------- */

static PyObject *t_str_getitem(PyObject *self, PyObject *args) {
    PyObject *s, *io;
    if (!PyArg_ParseTuple(args, "UO", &s, &io)) {
        return NULL;
    }
    CPyTagged i = tag_arg(io);
    if (i == CPY_INT_TAG) {
        return NULL;
    }
    PyObject *r = CPyStr_GetItem(s, i);
    CPyTagged_DECREF(i);
    return r;
}

/* Call a (seq, start, end) slicing helper with tagged bounds. */
static PyObject *call_slice(PyObject *args, const char *fmt,
                            PyObject *(*fn)(PyObject *, CPyTagged, CPyTagged)) {
    PyObject *s, *bo, *eo;
    if (!PyArg_ParseTuple(args, fmt, &s, &bo, &eo)) {
        return NULL;
    }
    CPyTagged b = tag_arg(bo);
    if (b == CPY_INT_TAG) {
        return NULL;
    }
    CPyTagged e = tag_arg(eo);
    if (e == CPY_INT_TAG) {
        CPyTagged_DECREF(b);
        return NULL;
    }
    PyObject *r = fn(s, b, e);
    CPyTagged_DECREF(b);
    CPyTagged_DECREF(e);
    return r;
}

static PyObject *t_str_slice(PyObject *self, PyObject *args) {
    return call_slice(args, "UOO", CPyStr_GetSlice);
}

static PyObject *t_list_slice(PyObject *self, PyObject *args) {
    if (PyTuple_GET_SIZE(args) < 1 || !PyList_Check(PyTuple_GET_ITEM(args, 0))) {
        PyErr_SetString(PyExc_TypeError, "list expected");
        return NULL;
    }
    return call_slice(args, "OOO", CPyList_GetSlice);
}

static PyObject *t_obj_slice(PyObject *self, PyObject *args) {
    return call_slice(args, "OOO", CPyObject_GetSlice);
}

static PyObject *t_str_append(PyObject *self, PyObject *args) {
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "UU", &a, &b)) {
        return NULL;
    }
    /* CPyStr_Append steals its first argument. */
    Py_INCREF(a);
    return CPyStr_Append(a, b);
}

static PyObject *t_str_append_unique(PyObject *self, PyObject *args) {
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "UU", &a, &b)) {
        return NULL;
    }
    /* A uniquely owned left operand, exercising the in-place path. */
    PyObject *copy = PyUnicode_Substring(a, 0, PyUnicode_GET_LENGTH(a));
    if (copy == NULL) {
        return NULL;
    }
    if (copy == a) {
        Py_DECREF(copy);
        copy = PyUnicode_FromFormat("%U", a);
        if (copy == NULL) {
            return NULL;
        }
    }
    return CPyStr_Append(copy, b);
}

static PyObject *t_str_compare(PyObject *self, PyObject *args) {
    PyObject *a, *b;
    if (!PyArg_ParseTuple(args, "UU", &a, &b)) {
        return NULL;
    }
    return Py_BuildValue("(ii)", CPyStr_Equal(a, b), CPyStr_Compare(a, b));
}

static PyObject *t_str_build(PyObject *self, PyObject *args) {
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *const *p = &PyTuple_GET_ITEM(args, 0);
    switch (n) {
    case 0:
        return CPyStr_Build(0);
    case 1:
        return CPyStr_Build(1, p[0]);
    case 2:
        return CPyStr_Build(2, p[0], p[1]);
    case 3:
        return CPyStr_Build(3, p[0], p[1], p[2]);
    case 4:
        return CPyStr_Build(4, p[0], p[1], p[2], p[3]);
    default:
        PyErr_SetString(PyExc_ValueError, "too many parts");
        return NULL;
    }
}

/* seq * n, n * seq and s * n with a tagged count. */
static PyObject *t_multiply(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *s, *no;
    if (!PyArg_ParseTuple(args, "sOO", &op, &s, &no)) {
        return NULL;
    }
    CPyTagged n = tag_arg(no);
    if (n == CPY_INT_TAG) {
        return NULL;
    }
    PyObject *r;
    if (strcmp(op, "str") == 0) {
        r = CPyStr_Multiply(s, n);
    } else if (strcmp(op, "seq") == 0) {
        r = CPySequence_Multiply(s, n);
    } else {
        r = CPySequence_RMultiply(n, s);
    }
    CPyTagged_DECREF(n);
    return r;
}

static PyObject *t_lengths(PyObject *self, PyObject *args) {
    PyObject *s, *l, *t, *d, *st, *any;
    if (!PyArg_ParseTuple(args, "UO!O!O!O!O", &s, &PyList_Type, &l, &PyTuple_Type, &t,
                          &PyDict_Type, &d, &PySet_Type, &st, &any)) {
        return NULL;
    }
    CPyTagged generic = CPyObject_Len(any);
    if (generic == CPY_INT_TAG) {
        return NULL;
    }
    return Py_BuildValue("(NNNNNN)", CPyTagged_StealAsObject(CPyStr_Len(s)),
                         CPyTagged_StealAsObject(CPyList_Len(l)),
                         CPyTagged_StealAsObject(CPyTuple_Len(t)),
                         CPyTagged_StealAsObject(CPyDict_Len(d)),
                         CPyTagged_StealAsObject(CPySet_Len(st)),
                         CPyTagged_StealAsObject(generic));
}

/* ---- lists, tuples ----------------------------------------------------- */

static PyObject *t_build(PyObject *self, PyObject *args) {
    const char *kind;
    PyObject *a, *b, *c;
    if (!PyArg_ParseTuple(args, "sOOO", &kind, &a, &b, &c)) {
        return NULL;
    }
    if (strcmp(kind, "list") == 0) {
        return CPyList_Build(3, a, b, c);
    }
    if (strcmp(kind, "tuple") == 0) {
        return CPyTuple_Build(3, a, b, c);
    }
    if (strcmp(kind, "set") == 0) {
        return CPySet_Build(3, a, b, c);
    }
    if (strcmp(kind, "dict") == 0) {
        /* keys a, b, c map to c, b, a */
        return CPyDict_Build(3, a, c, b, b, c, a);
    }
    if (strcmp(kind, "empty_list") == 0) {
        return CPyList_Build(0);
    }
    PyErr_Format(PyExc_ValueError, "unknown kind %s", kind);
    return NULL;
}

static PyObject *t_seq_getitem(PyObject *self, PyObject *args) {
    const char *kind;
    PyObject *seq, *io;
    if (!PyArg_ParseTuple(args, "sOO", &kind, &seq, &io)) {
        return NULL;
    }
    CPyTagged i = tag_arg(io);
    if (i == CPY_INT_TAG) {
        return NULL;
    }
    PyObject *r;
    if (strcmp(kind, "list") == 0) {
        r = CPyList_GetItem(seq, i);
    } else if (strcmp(kind, "tuple") == 0) {
        r = CPySequenceTuple_GetItem(seq, i);
    } else {
        r = CPyList_PopIndex(seq, i);
    }
    CPyTagged_DECREF(i);
    return r;
}

static PyObject *t_list_setitem(PyObject *self, PyObject *args) {
    PyObject *list, *io, *v;
    if (!PyArg_ParseTuple(args, "O!OO", &PyList_Type, &list, &io, &v)) {
        return NULL;
    }
    CPyTagged i = tag_arg(io);
    if (i == CPY_INT_TAG) {
        return NULL;
    }
    Py_INCREF(v); /* stolen */
    char ok = CPyList_SetItem(list, i, v);
    CPyTagged_DECREF(i);
    if (!ok) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *t_list_ops(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *list, *arg = NULL;
    if (!PyArg_ParseTuple(args, "sO!|O", &op, &PyList_Type, &list, &arg)) {
        return NULL;
    }
    if (strcmp(op, "pop") == 0) {
        return CPyList_Pop(list);
    }
    if (strcmp(op, "append") == 0) {
        if (CPyList_Append(list, arg) < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    if (strcmp(op, "extend") == 0) {
        return CPyList_Extend(list, arg);
    }
    PyErr_Format(PyExc_ValueError, "unknown op %s", op);
    return NULL;
}

/* ---- dicts, sets --------------------------------------------------------- */

static PyObject *t_dict_ops(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *d, *k, *v = NULL;
    if (!PyArg_ParseTuple(args, "sOO|O", &op, &d, &k, &v)) {
        return NULL;
    }
    int r;
    if (strcmp(op, "getitem") == 0) {
        return CPyDict_GetItem(d, k);
    }
    if (strcmp(op, "get") == 0) {
        return CPyDict_Get(d, k, v);
    }
    if (strcmp(op, "setitem") == 0) {
        r = CPyDict_SetItem(d, k, v);
    } else if (strcmp(op, "contains") == 0) {
        r = CPyDict_Contains(d, k);
    } else if (strcmp(op, "set_contains") == 0) {
        r = CPySet_Contains(d, k);
    } else {
        PyErr_Format(PyExc_ValueError, "unknown op %s", op);
        return NULL;
    }
    if (r < 0) {
        return NULL;
    }
    return PyLong_FromLong(r);
}

/* ---- generic objects ------------------------------------------------------ */

/* call(f, args_tuple, kwargs_dict): positional count <= 3, keywords <= 2. */
static PyObject *t_call(PyObject *self, PyObject *args) {
    PyObject *f, *pos, *kw;
    if (!PyArg_ParseTuple(args, "OO!O!", &f, &PyTuple_Type, &pos, &PyDict_Type, &kw)) {
        return NULL;
    }
    PyObject *v[5];
    Py_ssize_t np = PyTuple_GET_SIZE(pos);
    Py_ssize_t nk = PyDict_GET_SIZE(kw);
    if (np > 3 || nk > 2) {
        PyErr_SetString(PyExc_ValueError, "too many arguments");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < np; i++) {
        v[i] = PyTuple_GET_ITEM(pos, i);
    }
    if (nk == 0) {
        switch (np) {
        case 0:
            return CPy_Call(f, 0);
        case 1:
            return CPy_Call(f, 1, v[0]);
        case 2:
            return CPy_Call(f, 2, v[0], v[1]);
        default:
            return CPy_Call(f, 3, v[0], v[1], v[2]);
        }
    }
    PyObject *names = PyTuple_New(nk);
    if (names == NULL) {
        return NULL;
    }
    Py_ssize_t pos_i = 0, j = 0;
    PyObject *key, *value;
    while (PyDict_Next(kw, &pos_i, &key, &value)) {
        Py_INCREF(key);
        PyTuple_SET_ITEM(names, j, key);
        v[np + j] = value;
        j++;
    }
    PyObject *r;
    switch (np + nk) {
    case 1:
        r = CPy_CallKw(f, np, names, v[0]);
        break;
    case 2:
        r = CPy_CallKw(f, np, names, v[0], v[1]);
        break;
    case 3:
        r = CPy_CallKw(f, np, names, v[0], v[1], v[2]);
        break;
    case 4:
        r = CPy_CallKw(f, np, names, v[0], v[1], v[2], v[3]);
        break;
    default:
        r = CPy_CallKw(f, np, names, v[0], v[1], v[2], v[3], v[4]);
        break;
    }
    Py_DECREF(names);
    return r;
}

/* call_method(obj, name, *args) with up to 2 args, optional kwarg via tuple. */
static PyObject *t_call_method(PyObject *self, PyObject *args) {
    PyObject *obj, *name, *pos, *kwname = NULL, *kwvalue = NULL;
    if (!PyArg_ParseTuple(args, "OUO!|UO", &obj, &name, &PyTuple_Type, &pos, &kwname,
                          &kwvalue)) {
        return NULL;
    }
    Py_ssize_t np = PyTuple_GET_SIZE(pos);
    if (kwname != NULL) {
        PyObject *names = PyTuple_Pack(1, kwname);
        if (names == NULL) {
            return NULL;
        }
        PyObject *r = np == 0 ? CPy_CallMethodKw(obj, name, 0, names, kwvalue)
                              : CPy_CallMethodKw(obj, name, 1, names, PyTuple_GET_ITEM(pos, 0),
                                                 kwvalue);
        Py_DECREF(names);
        return r;
    }
    switch (np) {
    case 0:
        return CPy_CallMethod(obj, name, 0);
    case 1:
        return CPy_CallMethod(obj, name, 1, PyTuple_GET_ITEM(pos, 0));
    default:
        return CPy_CallMethod(obj, name, 2, PyTuple_GET_ITEM(pos, 0), PyTuple_GET_ITEM(pos, 1));
    }
}

static PyObject *t_iterate(PyObject *self, PyObject *obj) {
    PyObject *it = PyObject_GetIter(obj);
    if (it == NULL) {
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        Py_DECREF(it);
        return NULL;
    }
    PyObject *item;
    while ((item = CPyIter_Next(it)) != NULL) {
        int r = PyList_Append(out, item);
        Py_DECREF(item);
        if (r < 0) {
            break;
        }
    }
    Py_DECREF(it);
    if (!CPy_NoErrOccurred()) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

static PyObject *bool_result(char r) {
    if (r == 2) {
        return NULL;
    }
    return PyBool_FromLong(r);
}

static PyObject *t_generic(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *a, *b = NULL;
    int cmp = Py_EQ;
    if (!PyArg_ParseTuple(args, "sO|Oi", &op, &a, &b, &cmp)) {
        return NULL;
    }
    if (strcmp(op, "is_true") == 0) {
        return bool_result(CPyObject_IsTrue(a));
    }
    if (strcmp(op, "compare_bool") == 0) {
        return bool_result(CPyObject_RichCompareBool(a, b, cmp));
    }
    if (strcmp(op, "compare") == 0) {
        return CPyObject_RichCompare(a, b, cmp);
    }
    if (strcmp(op, "isinstance") == 0) {
        return bool_result(CPy_IsInstance(a, b));
    }
    if (strcmp(op, "str") == 0) {
        return CPyObject_Str(a);
    }
    if (strcmp(op, "repr") == 0) {
        return CPyObject_Repr(a);
    }
    PyErr_Format(PyExc_ValueError, "unknown op %s", op);
    return NULL;
}

/* ---- globals, imports ------------------------------------------------------- */

static PyObject *t_globals(PyObject *self, PyObject *args) {
    PyObject *globals, *name, *value = NULL;
    if (!PyArg_ParseTuple(args, "OU|O", &globals, &name, &value)) {
        return NULL;
    }
    if (value == NULL) {
        return CPyGlobals_Get(globals, name);
    }
    if (CPyGlobals_Set(globals, name, value) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *t_import(PyObject *self, PyObject *args) {
    const char *op;
    PyObject *a, *b = NULL, *c = NULL;
    if (!PyArg_ParseTuple(args, "sO|OO", &op, &a, &b, &c)) {
        return NULL;
    }
    if (strcmp(op, "import") == 0) {
        return CPyImport_Import(a);
    }
    if (strcmp(op, "import_module") == 0) {
        return CPyImport_ImportModule(a);
    }
    return CPyImport_ImportFrom(a, b, c);
}

/* ---- exceptions -------------------------------------------------------------- */

/* raise_traced(exc, filename, funcname, line, globals): CPy_Raise, then a
 * traceback entry. */
static PyObject *t_raise_traced(PyObject *self, PyObject *args) {
    PyObject *exc, *globals;
    const char *filename, *funcname;
    int line;
    if (!PyArg_ParseTuple(args, "OssiO", &exc, &filename, &funcname, &line, &globals)) {
        return NULL;
    }
    CPy_Raise(exc);
    CPy_AddTraceback(filename, funcname, line, globals == Py_None ? NULL : globals);
    return NULL;
}

static PyObject *t_raise_from(PyObject *self, PyObject *args) {
    PyObject *exc, *cause;
    if (!PyArg_ParseTuple(args, "OO", &exc, &cause)) {
        return NULL;
    }
    CPy_RaiseFrom(exc, cause);
    return NULL;
}

static PyObject *t_type_error(PyObject *self, PyObject *args) {
    const char *expected;
    PyObject *value;
    int traced = 0;
    if (!PyArg_ParseTuple(args, "sO|p", &expected, &value, &traced)) {
        return NULL;
    }
    if (traced) {
        CPy_TypeErrorTraceback("native.py", "checked", 7, NULL, expected, value);
    } else {
        CPy_TypeError(expected, value);
    }
    return NULL;
}

static PyObject *t_assert_failed(PyObject *self, PyObject *msg) {
    CPy_AssertFailed(msg == Py_None ? NULL : msg);
    return NULL;
}

static PyObject *t_reraise(PyObject *self, PyObject *unused) {
    CPy_Reraise();
    return NULL;
}

/* try_except(body, exc_type, handler): the code shape generated for
 *     try: return body()
 *     except exc_type as e: return handler(e)
 */
static PyObject *t_try_except(PyObject *self, PyObject *args) {
    PyObject *body, *exc_type, *handler;
    if (!PyArg_ParseTuple(args, "OOO", &body, &exc_type, &handler)) {
        return NULL;
    }
    PyObject *r = CPy_Call(body, 0);
    if (r != NULL) {
        return r;
    }
    tuple_T3OOO saved = CPy_CatchError();
    if (CPy_ExceptionMatches(exc_type)) {
        PyObject *e = CPy_GetExcValue();
        r = CPy_Call(handler, 1, e);
        Py_DECREF(e);
    } else {
        CPy_Reraise();
        r = NULL;
    }
    CPy_RestoreExcInfo(saved);
    return r;
}

/* ---- argument parsing ------------------------------------------------------- */

/* parse(fname, names, num_pos, num_required_pos, num_posonly, kwonly_required,
 *       has_star, has_star2, args, kwargs, missing) -> list of bound values,
 * `missing` standing for omitted optional arguments. */
static PyObject *t_parse(PyObject *self, PyObject *args) {
    const char *fname;
    PyObject *names, *kwonly_req, *call_args, *call_kwargs, *missing;
    int num_pos, num_required_pos, num_posonly, has_star, has_star2;
    if (!PyArg_ParseTuple(args, "sO!iiiO!ppO!O!O", &fname, &PyTuple_Type, &names, &num_pos,
                          &num_required_pos, &num_posonly, &PyBytes_Type, &kwonly_req,
                          &has_star, &has_star2, &PyTuple_Type, &call_args, &PyDict_Type,
                          &call_kwargs, &missing)) {
        return NULL;
    }
    Py_ssize_t total = PyTuple_GET_SIZE(names);
    const char *cnames[16];
    PyObject *vec[32];
    PyObject *out[18];
    Py_ssize_t nargs = PyTuple_GET_SIZE(call_args);
    Py_ssize_t nkw = PyDict_GET_SIZE(call_kwargs);
    if (total > 16 || nargs + nkw > 31) {
        PyErr_SetString(PyExc_ValueError, "too many parameters");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < total; i++) {
        cnames[i] = PyUnicode_AsUTF8(PyTuple_GET_ITEM(names, i));
        if (cnames[i] == NULL) {
            return NULL;
        }
    }
    CPyArgParser parser = {fname, cnames, num_pos, num_required_pos, num_posonly,
                           (int)(total - num_pos), PyBytes_AS_STRING(kwonly_req),
                           has_star, has_star2, NULL};
    for (Py_ssize_t i = 0; i < nargs; i++) {
        vec[i + 1] = PyTuple_GET_ITEM(call_args, i);
    }
    PyObject *kwnames = nkw > 0 ? PyTuple_New(nkw) : NULL;
    Py_ssize_t pos = 0, j = 0;
    PyObject *key, *value;
    while (kwnames != NULL && PyDict_Next(call_kwargs, &pos, &key, &value)) {
        Py_INCREF(key);
        PyTuple_SET_ITEM(kwnames, j, key);
        vec[1 + nargs + j] = value;
        j++;
    }
    int ok = CPyArg_Parse(vec + 1, nargs | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames, &parser,
                          out);
    Py_XDECREF(kwnames);
    PyObject *result = NULL;
    if (ok) {
        Py_ssize_t nout = total + has_star + has_star2;
        result = PyList_New(nout);
        for (Py_ssize_t i = 0; i < nout; i++) {
            PyObject *o = out[i] != NULL ? out[i] : missing;
            if (i < total) {
                Py_INCREF(o); /* borrowed */
            }
            PyList_SET_ITEM(result, i, o); /* star/star2 are new refs */
        }
    }
    /* Release this parser's interned-name cache. */
    if (parser.interned != NULL) {
        for (Py_ssize_t i = 0; i < total; i++) {
            Py_DECREF(parser.interned[i]);
        }
        PyMem_Free(parser.interned);
    }
    return result;
}

static PyMethodDef methods[] = {
    {"int_binop", t_int_binop, METH_VARARGS, NULL},
    {"int_unop", t_int_unop, METH_VARARGS, NULL},
    {"int_compare", t_int_compare, METH_VARARGS, NULL},
    {"int_convert", t_int_convert, METH_VARARGS, NULL},
    {"float_binop", t_float_binop, METH_VARARGS, NULL},
    {"float_convert", t_float_convert, METH_VARARGS, NULL},
    {"str_getitem", t_str_getitem, METH_VARARGS, NULL},
    {"str_slice", t_str_slice, METH_VARARGS, NULL},
    {"list_slice", t_list_slice, METH_VARARGS, NULL},
    {"obj_slice", t_obj_slice, METH_VARARGS, NULL},
    {"str_append", t_str_append, METH_VARARGS, NULL},
    {"str_append_unique", t_str_append_unique, METH_VARARGS, NULL},
    {"str_compare", t_str_compare, METH_VARARGS, NULL},
    {"str_build", t_str_build, METH_VARARGS, NULL},
    {"multiply", t_multiply, METH_VARARGS, NULL},
    {"lengths", t_lengths, METH_VARARGS, NULL},
    {"build", t_build, METH_VARARGS, NULL},
    {"seq_getitem", t_seq_getitem, METH_VARARGS, NULL},
    {"list_setitem", t_list_setitem, METH_VARARGS, NULL},
    {"list_ops", t_list_ops, METH_VARARGS, NULL},
    {"dict_ops", t_dict_ops, METH_VARARGS, NULL},
    {"call", t_call, METH_VARARGS, NULL},
    {"call_method", t_call_method, METH_VARARGS, NULL},
    {"iterate", t_iterate, METH_O, NULL},
    {"generic", t_generic, METH_VARARGS, NULL},
    {"globals_op", t_globals, METH_VARARGS, NULL},
    {"import_op", t_import, METH_VARARGS, NULL},
    {"raise_traced", t_raise_traced, METH_VARARGS, NULL},
    {"raise_from", t_raise_from, METH_VARARGS, NULL},
    {"type_error", t_type_error, METH_VARARGS, NULL},
    {"assert_failed", t_assert_failed, METH_O, NULL},
    {"reraise", t_reraise, METH_NOARGS, NULL},
    {"try_except", t_try_except, METH_VARARGS, NULL},
    {"parse", t_parse, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_cpyrt_test", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit__cpyrt_test(void) {
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "TAGGED_MAX", CPY_TAGGED_MAX) < 0 ||
        PyModule_AddIntConstant(m, "TAGGED_MIN", CPY_TAGGED_MIN) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
