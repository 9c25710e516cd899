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

static PyObject *cpy_create_class(PyObject *name, PyObject *bases, PyObject *ns, PyObject *meta,
                                  PyObject *kwargs);

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

/* A class statement of a non-native class: `meta` (or NULL) is the
 * `metaclass=` keyword, `kwargs` (or NULL) a dict of the other keywords,
 * passed to the metaclass's `__prepare__` and to the metaclass. */
PyObject *CPyClass_Create(PyObject *name, PyObject *orig_bases, PyObject *ns, PyObject *meta,
                          PyObject *kwargs) {
    PyObject *bases = cpy_resolve_bases(orig_bases);
    if (bases == NULL) {
        return NULL;
    }
    if (bases != orig_bases && PyDict_SetItemString(ns, "__orig_bases__", orig_bases) < 0) {
        Py_DECREF(bases);
        return NULL;
    }
    PyObject *cls = cpy_create_class(name, bases, ns, meta, kwargs);
    Py_DECREF(bases);
    return cls;
}

/* f(name, bases[, ns], **kwargs); `ns` and `kwargs` may be NULL. */
static PyObject *cpy_call_with_kwargs(PyObject *f, PyObject *name, PyObject *bases, PyObject *ns,
                                      PyObject *kwargs) {
    PyObject *args = ns == NULL ? PyTuple_Pack(2, name, bases) : PyTuple_Pack(3, name, bases, ns);
    if (args == NULL) {
        return NULL;
    }
    PyObject *result = PyObject_Call(f, args, kwargs);
    Py_DECREF(args);
    return result;
}

static PyObject *cpy_create_class(PyObject *name, PyObject *bases, PyObject *ns, PyObject *meta,
                                  PyObject *kwargs) {
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
        prepared = cpy_call_with_kwargs(prepare, name, bases, NULL, kwargs);
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
    PyObject *cls = cpy_call_with_kwargs(m, name, bases, prepared, kwargs);
    Py_DECREF(prepared);
    return cls;
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

/* copy and pickle support for native instances, which have no __dict__:
 * the state is a dict of the defined attributes named in the class's
 * `__mypyc_attrs__`. */
static PyObject *cpy_native_getstate(PyObject *self, PyObject *unused) {
    PyObject *attrs = PyObject_GetAttrString((PyObject *)Py_TYPE(self), "__mypyc_attrs__");
    if (attrs == NULL) {
        return NULL;
    }
    PyObject *state = PyDict_New();
    for (Py_ssize_t i = 0; state != NULL && i < PyTuple_GET_SIZE(attrs); i++) {
        PyObject *name = PyTuple_GET_ITEM(attrs, i);
        PyObject *value = PyObject_GetAttr(self, name);
        if (value == NULL) {
            if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
                PyErr_Clear();
                continue;
            }
            Py_CLEAR(state);
            break;
        }
        if (PyDict_SetItem(state, name, value) < 0) {
            Py_CLEAR(state);
        }
        Py_DECREF(value);
    }
    Py_DECREF(attrs);
    return state;
}

static PyObject *cpy_native_setstate(PyObject *self, PyObject *state) {
    if (!PyDict_Check(state)) {
        PyErr_SetString(PyExc_TypeError, "__setstate__ expects a dict");
        return NULL;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(state, &pos, &key, &value)) {
        if (PyObject_SetAttr(self, key, value) < 0) {
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

/* `__reduce__` of native exception instances: as BaseException's
 * (`(type, args, state)`), with the defined attributes of the struct in the
 * state beside the instance `__dict__`, for BaseException.__setstate__ to
 * set again. */
static PyObject *cpy_exception_reduce(PyObject *self, PyObject *unused) {
    (void)unused;
    PyBaseExceptionObject *exc = (PyBaseExceptionObject *)self;
    PyObject *state = cpy_native_getstate(self, NULL);
    if (state == NULL) {
        return NULL;
    }
    if (exc->dict != NULL && PyDict_Update(state, exc->dict) < 0) {
        Py_DECREF(state);
        return NULL;
    }
    PyObject *args = exc->args;
    PyObject *result;
    if (args == NULL) {
        args = PyTuple_New(0);
    } else {
        Py_INCREF(args);
    }
    if (args == NULL) {
        result = NULL;
    } else if (PyDict_GET_SIZE(state) == 0) {
        result = PyTuple_Pack(2, (PyObject *)Py_TYPE(self), args);
    } else {
        result = PyTuple_Pack(3, (PyObject *)Py_TYPE(self), args, state);
    }
    Py_XDECREF(args);
    Py_DECREF(state);
    return result;
}

PyObject *CPyException_Alloc(PyTypeObject *type) {
    return ((PyTypeObject *)PyExc_BaseException)->tp_new(type, NULL, NULL);
}

int CPyException_Traverse(PyObject *self, visitproc visit, void *arg) {
    return ((PyTypeObject *)PyExc_BaseException)->tp_traverse(self, visit, arg);
}

void CPyException_Clear(PyObject *self) {
    ((PyTypeObject *)PyExc_BaseException)->tp_clear(self);
}

static PyMethodDef cpy_getstate_def = {"__getstate__", cpy_native_getstate, METH_NOARGS, NULL};
static PyMethodDef cpy_setstate_def = {"__setstate__", cpy_native_setstate, METH_O, NULL};
static PyMethodDef cpy_exception_reduce_def = {"__reduce__", cpy_exception_reduce, METH_NOARGS,
                                               NULL};

/* Install the generic __getstate__/__setstate__ unless the class or a base
 * other than `object` defines its own; for exceptions (whose __reduce__
 * and __setstate__ ignore __getstate__), a __reduce__ that saves the
 * attributes unless the class or a base other than BaseException defines
 * one. */
static int cpy_add_pickle_support(PyTypeObject *type) {
    int exception = PyType_IsSubtype(type, (PyTypeObject *)PyExc_BaseException);
    PyMethodDef *defs[] = {&cpy_getstate_def, &cpy_setstate_def};
    PyMethodDef *exception_defs[] = {&cpy_exception_reduce_def};
    PyObject *plain = exception ? ((PyTypeObject *)PyExc_BaseException)->tp_dict
                                : PyBaseObject_Type.tp_dict;
    for (int i = 0; i < (exception ? 1 : 2); i++) {
        PyMethodDef *def = exception ? exception_defs[i] : defs[i];
        PyObject *found = _PyType_Lookup(type, PyUnicode_InternFromString(def->ml_name));
        int generic = found == NULL || found == PyDict_GetItemString(plain, def->ml_name) ||
                      (Py_IS_TYPE(found, &PyMethodDescr_Type) &&
                       ((PyMethodDescrObject *)found)->d_method == def);
        if (!generic) {
            continue;
        }
        PyObject *descr = PyDescr_NewMethod(type, def);
        if (descr == NULL || PyObject_SetAttrString((PyObject *)type, def->ml_name, descr) < 0) {
            Py_XDECREF(descr);
            return -1;
        }
        Py_DECREF(descr);
    }
    return 0;
}

/* Apply a class decorator (like @dataclass) to a native class as if it
 * were an interpreted one: while it runs, the class's own attribute
 * descriptors are replaced by the class body's defaults (from `ns`), or
 * removed for attributes without one; then they are put back. Returns the
 * decorator's result (new reference). */
PyObject *CPyNativeClass_Decorate(PyObject *cls, PyObject *decorator, PyObject *ns) {
    PyTypeObject *type = (PyTypeObject *)cls;
    PyObject *attrs = PyObject_GetAttrString(cls, "__mypyc_attrs__");
    if (attrs == NULL) {
        return NULL;
    }
    PyObject *saved = PyDict_New();
    if (saved == NULL) {
        Py_DECREF(attrs);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(attrs); i++) {
        PyObject *name = PyTuple_GET_ITEM(attrs, i);
        PyObject *descr = PyDict_GetItemWithError(type->tp_dict, name);
        if (descr == NULL || !Py_IS_TYPE(descr, &PyGetSetDescr_Type) ||
            PyDescr_TYPE(descr) != type) {
            continue;
        }
        PyObject *dflt = PyDict_GetItemWithError(ns, name);
        if (PyDict_SetItem(saved, name, descr) < 0 ||
            (dflt != NULL ? PyDict_SetItem(type->tp_dict, name, dflt)
                          : PyDict_DelItem(type->tp_dict, name)) < 0) {
            Py_DECREF(saved);
            Py_DECREF(attrs);
            return NULL;
        }
    }
    Py_DECREF(attrs);
    PyType_Modified(type);
    PyObject *result = PyErr_Occurred() ? NULL : PyObject_CallOneArg(decorator, cls);
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(saved, &pos, &key, &value)) {
        if (PyDict_SetItem(type->tp_dict, key, value) < 0) {
            Py_CLEAR(result);
            break;
        }
    }
    Py_DECREF(saved);
    PyType_Modified(type);
    return result;
}

/* `__new__` of trait classes: traits are never instantiated, and Python
 * classes may not derive from them (the trait's own dict holds this
 * function; a subclass's does not). */
static PyObject *cpy_trait_new(PyObject *unused, PyObject *args, PyObject *kwds) {
    PyObject *cls = PyTuple_Size(args) > 0 ? PyTuple_GET_ITEM(args, 0) : NULL;
    if (cls != NULL && PyType_Check(cls) &&
        PyDict_GetItemString(((PyTypeObject *)cls)->tp_dict, "__new__") != NULL) {
        PyErr_SetString(PyExc_TypeError, "traits may not be directly created");
    } else {
        PyErr_SetString(PyExc_TypeError, "interpreted classes cannot inherit from compiled traits");
    }
    return NULL;
}

static PyMethodDef cpy_trait_new_def = {"__new__", (PyCFunction)(void (*)(void))cpy_trait_new,
                                        METH_VARARGS | METH_KEYWORDS, NULL};

PyObject *CPyTrait_New(void) {
    PyObject *f = PyCFunction_New(&cpy_trait_new_def, NULL);
    if (f == NULL) {
        return NULL;
    }
    PyObject *sm = PyStaticMethod_New(f);
    Py_DECREF(f);
    return sm;
}

/* ---- construction of native instances (mypyc's protocol) ----------- */

/* `f(self, *args, **kwds)`; new ref. */
/* Arguments of a call built on the caller's stack up to this many. */
#define CPY_STACK_ARGS 8

static PyObject *cpy_call_with_self(PyObject *f, PyObject *self, PyObject *args, PyObject *kwds) {
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *small[CPY_STACK_ARGS];
    PyObject **stack = small;
    if (n + 1 > CPY_STACK_ARGS) {
        stack = (PyObject **)PyMem_Malloc((size_t)(1 + n) * sizeof(PyObject *));
        if (stack == NULL) {
            return PyErr_NoMemory();
        }
    }
    stack[0] = self;
    for (Py_ssize_t i = 0; i < n; i++) {
        stack[i + 1] = PyTuple_GET_ITEM(args, i);
    }
    PyObject *result = PyObject_VectorcallDict(f, stack, (size_t)(1 + n), kwds);
    if (stack != small) {
        PyMem_Free(stack);
    }
    return result;
}

/* `tp_init` of native classes whose `tp_new` already ran `__init__`. */
static int cpy_native_init_done(PyObject *self, PyObject *args, PyObject *kwds) {
    (void)self;
    (void)args;
    (void)kwds;
    return 0;
}

/* The key of a native type's own dict under which a capsule holds its
 * setup function (classes that define or inherit `__new__`). */
static PyObject *cpy_setup_key(void) {
    static PyObject *key = NULL;
    if (key == NULL) {
        key = PyUnicode_InternFromString("__mypyc_setup__");
    }
    return key;
}

int CPyType_SetNativeConstruction(PyObject *type, newfunc tp_new, int init_in_new,
                                  CPySetupFunc setup) {
    PyTypeObject *t = (PyTypeObject *)type;
    /* A `__new__` in the namespace made this `slot_tp_new`. */
    t->tp_new = tp_new;
    if (init_in_new) {
        t->tp_init = cpy_native_init_done;
    }
    PyType_Modified(t);
    if (setup == NULL) {
        return 0;
    }
    PyObject *key = cpy_setup_key();
    PyObject *capsule = key != NULL ? PyCapsule_New((void *)setup, NULL, NULL) : NULL;
    if (capsule == NULL) {
        return -1;
    }
    int r = PyObject_SetAttr(type, key, capsule);
    Py_DECREF(capsule);
    return r;
}

/* The setup functions CPy_SetupNative found last, by type (each type held
 * by a strong reference, so that its address is not reused while cached). */
#define CPY_SETUP_CACHE 4
static PyObject *cpy_setup_types[CPY_SETUP_CACHE];
static CPySetupFunc cpy_setup_funcs[CPY_SETUP_CACHE];
static int cpy_setup_next;

PyObject *CPy_SetupNative(PyObject *cls) {
    for (int i = 0; i < CPY_SETUP_CACHE; i++) {
        if (cpy_setup_types[i] == cls) {
            return cpy_setup_funcs[i](cls);
        }
    }
    if (PyType_Check(cls)) {
        PyObject *key = cpy_setup_key();
        if (key == NULL) {
            return NULL;
        }
        /* The type's own entry: a base's setup would allocate the base's
         * layout. */
        PyObject *capsule = PyDict_GetItemWithError(((PyTypeObject *)cls)->tp_dict, key);
        if (capsule != NULL && PyCapsule_CheckExact(capsule)) {
            CPySetupFunc setup = (CPySetupFunc)PyCapsule_GetPointer(capsule, NULL);
            if (setup == NULL) {
                return NULL;
            }
            int slot = cpy_setup_next;
            cpy_setup_next = (slot + 1) % CPY_SETUP_CACHE;
            Py_INCREF(cls);
            Py_XSETREF(cpy_setup_types[slot], cls);
            cpy_setup_funcs[slot] = setup;
            return setup(cls);
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    }
    return PyObject_CallMethod((PyObject *)&PyBaseObject_Type, "__new__", "O", cls);
}

PyObject *CPy_CallInheritedNew(PyObject *owner, PyTypeObject *type, PyObject *args,
                               PyObject *kwds) {
    PyObject *new = PyObject_GetAttrString(owner, "__new__");
    if (new == NULL) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *all = PyTuple_New(n + 1);
    if (all == NULL) {
        Py_DECREF(new);
        return NULL;
    }
    Py_INCREF(type);
    PyTuple_SET_ITEM(all, 0, (PyObject *)type);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(args, i);
        Py_INCREF(item);
        PyTuple_SET_ITEM(all, i + 1, item);
    }
    PyObject *result = PyObject_Call(new, all, kwds);
    Py_DECREF(all);
    Py_DECREF(new);
    return result;
}

/* Call `fn` (a METH_FASTCALL | METH_KEYWORDS wrapper) with `first` and
 * then the arguments of `args` (a tuple) and `kwds` (a dict or NULL). */
PyObject *CPy_CallFastcallPrepend(CPyFastcallFunc fn, PyObject *first, PyObject *args,
                                  PyObject *kwds) {
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    Py_ssize_t nkw = kwds != NULL ? PyDict_GET_SIZE(kwds) : 0;
    PyObject *small[CPY_STACK_ARGS];
    PyObject **stack = small;
    if (1 + n + nkw > CPY_STACK_ARGS) {
        stack = (PyObject **)PyMem_Malloc((size_t)(1 + n + nkw) * sizeof(PyObject *));
        if (stack == NULL) {
            return PyErr_NoMemory();
        }
    }
    stack[0] = first;
    for (Py_ssize_t i = 0; i < n; i++) {
        stack[i + 1] = PyTuple_GET_ITEM(args, i);
    }
    PyObject *kwnames = NULL;
    if (nkw > 0) {
        kwnames = PyTuple_New(nkw);
        if (kwnames == NULL) {
            if (stack != small) {
                PyMem_Free(stack);
            }
            return NULL;
        }
        PyObject *key, *value;
        Py_ssize_t pos = 0, j = 0;
        while (PyDict_Next(kwds, &pos, &key, &value) && j < nkw) {
            Py_INCREF(key);
            PyTuple_SET_ITEM(kwnames, j, key);
            stack[1 + n + j] = value;
            j++;
        }
    }
    PyObject *result = fn(NULL, stack, 1 + n, kwnames);
    Py_XDECREF(kwnames);
    if (stack != small) {
        PyMem_Free(stack);
    }
    return result;
}

/* Run `__init__` for a new instance from `tp_new`, as `type.__call__`
 * does for other classes: only for an instance of a type whose `tp_init`
 * is ours (Python code may have replaced `__init__` since), with
 * `object.__init__` refusing arguments unless the class has `__new__`. */
int CPy_NativeInit(PyObject *self, PyObject *args, PyObject *kwds, int has_new) {
    PyTypeObject *type = Py_TYPE(self);
    if (type->tp_init != cpy_native_init_done) {
        return 0;
    }
    static PyObject *name = NULL;
    if (name == NULL && (name = PyUnicode_InternFromString("__init__")) == NULL) {
        return -1;
    }
    /* As `type.__init__` reads it: a plain function from the MRO (the
     * type's method cache makes this a lookup without a call); anything
     * else through its descriptor. */
    PyObject *init = _PyType_Lookup(type, name);
    if (init != NULL && PyInstanceMethod_Check(init)) {
        /* Read from a class, an instance method is its function. */
        init = PyInstanceMethod_GET_FUNCTION(init);
        Py_INCREF(init);
    } else if (init != NULL && (PyFunction_Check(init) || Py_TYPE(init)->tp_descr_get == NULL ||
                                Py_IS_TYPE(init, &PyMethodDescr_Type))) {
        Py_INCREF(init);
    } else {
        init = PyObject_GetAttr((PyObject *)type, name);
        if (init == NULL) {
            return -1;
        }
    }
    PyObject *object_init = _PyType_Lookup(&PyBaseObject_Type, name);
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    Py_ssize_t nkw = kwds != NULL ? PyDict_GET_SIZE(kwds) : 0;
    if (init == object_init) {
        Py_DECREF(init);
        if (!has_new && n + nkw > 0) {
            PyErr_Format(PyExc_TypeError, "%.200s() takes no arguments", type->tp_name);
            return -1;
        }
        return 0;
    }
    PyObject *result = cpy_call_with_self(init, self, args, kwds);
    Py_DECREF(init);
    if (result == NULL) {
        return -1;
    }
    if (result != Py_None) {
        PyErr_Format(PyExc_TypeError, "__init__() should return None, not '%.200s'",
                     Py_TYPE(result)->tp_name);
        Py_DECREF(result);
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

int CPy_NativeInitOwn(PyObject *self, PyObject *args, PyObject *kwds, int has_new,
                      PyObject *own, CPyFastcallFunc init) {
    PyTypeObject *type = Py_TYPE(self);
    if ((PyObject *)type != own || type->tp_init != cpy_native_init_done) {
        return CPy_NativeInit(self, args, kwds, has_new);
    }
    PyObject *result = CPy_CallFastcallPrepend(init, self, args, kwds);
    if (result == NULL) {
        return -1;
    }
    Py_DECREF(result);
    return 0;
}

/* A forward operator method of a native class given an operand of a type
 * it does not accept: call the reflected method of the right operand, as
 * mypyc does (its wrapper never runs the body with a wrong type). */
PyObject *CPy_CallReverseOpMethod(PyObject *left, PyObject *right, const char *op,
                                  const char *method) {
    PyObject *m = PyObject_GetAttrString(right, method);
    if (m == NULL) {
        if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            PyErr_Format(PyExc_TypeError, "unsupported operand type(s) for %.100s: '%.100s' and '%.100s'",
                         op, Py_TYPE(left)->tp_name, Py_TYPE(right)->tp_name);
        }
        return NULL;
    }
    PyObject *result = PyObject_CallOneArg(m, left);
    Py_DECREF(m);
    return result;
}

static void cpy_native_finalize(PyObject *self) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *res = PyObject_CallMethod(self, "__del__", NULL);
    if (res == NULL) {
        PyErr_WriteUnraisable(self);
    } else {
        Py_DECREF(res);
    }
    PyErr_Restore(type, value, tb);
}

/* A native class's type object: a heap type from `spec` (instance layout,
 * GC and allocation slots, attribute descriptors) and `bases` (an empty
 * tuple for `object`), with the class namespace `ns` (methods, properties,
 * class variables, docstring) installed by attribute assignment, which
 * also updates the type slots of dunder methods. */
/* The metaclass of a native class: `type`, or `ABCMeta` for one derived
 * from `abc.ABC` (the type was made by `type`, as PyType_FromSpecWithBases
 * makes every type, and becomes an instance of `ABCMeta` here, as mypyc
 * does it); other metaclasses are refused. Sets *is_abc. */
static int cpy_apply_metaclass(PyObject *type, PyObject *bases, int *is_abc) {
    *is_abc = 0;
    PyTypeObject *meta = _PyType_CalculateMetaclass(&PyType_Type, bases);
    if (meta == NULL) {
        return -1;
    }
    if (meta == &PyType_Type) {
        return 0;
    }
    PyObject *module = PyObject_GetAttrString((PyObject *)meta, "__module__");
    int abc = module != NULL && PyUnicode_Check(module) &&
              PyUnicode_CompareWithASCIIString(module, "abc") == 0 &&
              strcmp(meta->tp_name, "ABCMeta") == 0;
    Py_XDECREF(module);
    PyErr_Clear();
    if (!abc) {
        PyErr_Format(PyExc_TypeError, "compiled class %.200s cannot have the metaclass '%.200s'",
                     ((PyTypeObject *)type)->tp_name, meta->tp_name);
        return -1;
    }
    Py_INCREF(meta);
    Py_SET_TYPE(type, meta);
    *is_abc = 1;
    return 0;
}

/* What `ABCMeta.__new__` does after creating the class: its registry and
 * `__abstractmethods__`. */
static int cpy_abc_init(PyObject *type) {
    PyObject *abc = PyImport_ImportModule("_abc");
    if (abc == NULL) {
        return -1;
    }
    PyObject *res = PyObject_CallMethod(abc, "_abc_init", "O", type);
    Py_DECREF(abc);
    if (res == NULL) {
        return -1;
    }
    Py_DECREF(res);
    return 0;
}

PyObject *CPy_NewAbstract(PyTypeObject *type) {
    /* `object.__new__` raises the interpreter's message. */
    PyObject *empty = PyTuple_New(0);
    if (empty == NULL) {
        return NULL;
    }
    PyObject *obj = PyBaseObject_Type.tp_new(type, empty, NULL);
    Py_DECREF(empty);
    if (obj != NULL) {
        Py_DECREF(obj);
        PyErr_Format(PyExc_TypeError, "Can't instantiate abstract class %.200s", type->tp_name);
    }
    return NULL;
}

PyObject *CPyType_FromNativeSpec(PyType_Spec *spec, PyObject *orig_bases, PyObject *ns,
                                 PyObject *attrs) {
    /* PEP 560 bases (`Generic[T]`) as in a class statement. */
    PyObject *bases = cpy_resolve_bases(orig_bases);
    if (bases == NULL) {
        return NULL;
    }
    if (bases != orig_bases && PyDict_SetItemString(ns, "__orig_bases__", orig_bases) < 0) {
        Py_DECREF(bases);
        return NULL;
    }
    PyObject *type = PyType_FromSpecWithBases(spec, PyTuple_GET_SIZE(bases) ? bases : NULL);
    int is_abc = 0;
    if (type != NULL && cpy_apply_metaclass(type, bases, &is_abc) < 0) {
        Py_CLEAR(type);
    }
    Py_DECREF(bases);
    if (type == NULL) {
        return NULL;
    }
    /* The layout must extend the base's (a builtin exception with fields
     * of its own would not fit the compiled struct). */
    PyTypeObject *base = ((PyTypeObject *)type)->tp_base;
    if (base != NULL && base->tp_basicsize > spec->basicsize) {
        PyErr_Format(PyExc_TypeError, "compiled class %.200s cannot extend '%.200s'", spec->name,
                     base->tp_name);
        Py_DECREF(type);
        return NULL;
    }
    /* Messages name the class as the interpreter does: `C`, not `mod.C`. */
    ((PyTypeObject *)type)->tp_name = PyUnicode_AsUTF8(((PyHeapTypeObject *)type)->ht_name);
    /* Defining __eq__ without __hash__ makes instances unhashable. */
    if (PyDict_GetItemString(ns, "__eq__") != NULL && PyDict_GetItemString(ns, "__hash__") == NULL) {
        if (PyDict_SetItemString(ns, "__hash__", Py_None) < 0) {
            Py_DECREF(type);
            return NULL;
        }
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(ns, &pos, &key, &value)) {
        if (PyUnicode_Check(key) && (PyUnicode_CompareWithASCIIString(key, "__module__") == 0 ||
                                     PyUnicode_CompareWithASCIIString(key, "__qualname__") == 0)) {
            continue;
        }
        /* Attribute defaults (of dataclass fields) stay out of the class:
         * the attribute's descriptor is there. */
        int is_attr = PySequence_Contains(attrs, key);
        if (is_attr != 0) {
            if (is_attr < 0) {
                Py_DECREF(type);
                return NULL;
            }
            continue;
        }
        if (PyObject_SetAttr(type, key, value) < 0) {
            Py_DECREF(type);
            return NULL;
        }
        /* Descriptors learn their name as in a class statement. */
        PyObject *set_name = PyObject_GetAttrString((PyObject *)Py_TYPE(value), "__set_name__");
        if (set_name == NULL) {
            PyErr_Clear();
            continue;
        }
        Py_DECREF(set_name);
        PyObject *res = PyObject_CallMethod(value, "__set_name__", "OO", type, key);
        if (res == NULL) {
            Py_DECREF(type);
            return NULL;
        }
        Py_DECREF(res);
    }
    if (PyObject_SetAttrString(type, "__mypyc_attrs__", attrs) < 0 ||
        cpy_add_pickle_support((PyTypeObject *)type) < 0) {
        Py_DECREF(type);
        return NULL;
    }
    /* `__del__` runs from our finalizer, which reports its errors as the
     * object's (as mypyc does), not the bound method's. */
    if (PyObject_HasAttrString(type, "__del__")) {
        ((PyTypeObject *)type)->tp_finalize = cpy_native_finalize;
    }
    PyType_Modified((PyTypeObject *)type);
    /* super(type, type).__init_subclass__(), as type() does. */
    PyObject *sup = PyObject_CallFunctionObjArgs((PyObject *)&PySuper_Type, type, type, NULL);
    PyObject *res = sup == NULL ? NULL : PyObject_CallMethod(sup, "__init_subclass__", NULL);
    Py_XDECREF(sup);
    if (res == NULL) {
        Py_DECREF(type);
        return NULL;
    }
    Py_DECREF(res);
    if (is_abc && cpy_abc_init(type) < 0) {
        Py_DECREF(type);
        return NULL;
    }
    return type;
}
