/* Generator and coroutine objects of compiled generator functions.
 *
 * A compiled generator function returns a CPyGenObject holding the
 * function's state (`env`, a native struct with its parameters and the
 * values it keeps across suspension points) and its resume function, a
 * native function `resume(gen, sent, exc)` that runs the body from the
 * point recorded in `label` up to the next suspension point or the end.
 * Each suspension point stores its number with CPyGen_SetLabel and
 * returns the yielded value; returning without that means the body
 * finished and the result is its return value. `exc` (when not NULL) is
 * an exception to raise at the resumption point (`throw()`).
 *
 * `yield from` (and `await`) hands the iterator to the object with
 * CPyGen_SetDelegate and suspends; the object then forwards next/send/
 * throw/close to the delegate until it finishes, and resumes the body with
 * the delegate's return value as the value sent (or with the delegate's
 * exception to raise). */

#include <stddef.h>
#include "CPy.h"

static PyObject *stop_iteration_value(void) {
    /* Fetch the value of a pending StopIteration (None if absent) and clear it. */
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *result = Py_None;
    if (value != NULL && PyObject_TypeCheck(value, (PyTypeObject *)PyExc_StopIteration)) {
        result = ((PyStopIterationObject *)value)->value;
        if (result == NULL) {
            result = Py_None;
        }
    }
    Py_INCREF(result);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return result;
}

static PyObject *fetch_exception(void) {
    /* The pending exception as an instance carrying its traceback. */
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value != NULL && tb != NULL) {
        PyException_SetTraceback(value, tb);
    }
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
}

int CPy_RaiseObject(PyObject *exc) {
    PyObject *tb = PyException_GetTraceback(exc);
    Py_INCREF(Py_TYPE(exc));
    Py_INCREF(exc);
    PyErr_Restore((PyObject *)Py_TYPE(exc), exc, tb);
    return 0;
}

/* One step of a delegate: next/send/throw. NULL: finished (StopIteration
 * pending or no exception) or failed. */
static PyObject *delegate_step(PyObject *d, PyObject *sent, PyObject *exc) {
    if (exc != NULL) {
        if (PyErr_GivenExceptionMatches(exc, PyExc_GeneratorExit)) {
            PyObject *r = PyObject_CallMethod(d, "close", NULL);
            if (r == NULL) {
                if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
                    PyErr_Clear();
                } else {
                    return NULL;
                }
            } else {
                Py_DECREF(r);
            }
            CPy_RaiseObject(exc);
            return NULL;
        }
        PyObject *throw = PyObject_GetAttrString(d, "throw");
        if (throw == NULL) {
            PyErr_Clear();
            CPy_RaiseObject(exc);
            return NULL;
        }
        PyObject *r = PyObject_CallOneArg(throw, exc);
        Py_DECREF(throw);
        return r;
    }
    if (sent == NULL || sent == Py_None) {
        iternextfunc next = Py_TYPE(d)->tp_iternext;
        if (next == NULL) {
            PyErr_Format(PyExc_TypeError, "'%.200s' object is not an iterator", Py_TYPE(d)->tp_name);
            return NULL;
        }
        return next(d);
    }
    return PyObject_CallMethod(d, "send", "O", sent);
}

/* Run the generator until it yields (returns the value), returns (NULL with
 * *result set to the return value) or fails (NULL, *result NULL). */
static PyObject *gen_run(CPyGenObject *g, PyObject *sent, PyObject *exc, PyObject **result) {
    *result = NULL;
    if (g->running) {
        PyErr_SetString(PyExc_ValueError, g->is_coro ? "coroutine already executing"
                                                     : "generator already executing");
        return NULL;
    }
    if (g->label < 0) {
        if (exc != NULL) {
            CPy_RaiseObject(exc);
            return NULL;
        }
        if (g->is_coro) {
            PyErr_SetString(PyExc_RuntimeError, "cannot reuse already awaited coroutine");
            return NULL;
        }
        Py_INCREF(Py_None);
        *result = Py_None;
        return NULL;
    }
    if (g->label == 0 && exc == NULL && sent != NULL && sent != Py_None) {
        PyErr_SetString(PyExc_TypeError, g->is_coro
                        ? "can't send non-None value to a just-started coroutine"
                        : "can't send non-None value to a just-started generator");
        return NULL;
    }
    g->running = 1;
    Py_XINCREF(sent);
    Py_XINCREF(exc);
    PyObject *r;
    for (;;) {
        if (g->delegate != NULL) {
            r = delegate_step(g->delegate, sent, exc);
            if (r != NULL) {
                break;
            }
            Py_CLEAR(g->delegate);
            Py_CLEAR(sent);
            Py_CLEAR(exc);
            if (PyErr_Occurred() == NULL || PyErr_ExceptionMatches(PyExc_StopIteration)) {
                sent = PyErr_Occurred() ? stop_iteration_value() : (Py_INCREF(Py_None), Py_None);
            } else {
                exc = fetch_exception();
            }
        }
        g->yielded = 0;
        r = g->resume((PyObject *)g, sent != NULL ? sent : Py_None, exc);
        Py_CLEAR(sent);
        Py_CLEAR(exc);
        if (r == NULL) {
            g->label = -1;
            Py_CLEAR(g->delegate);
            if (PyErr_ExceptionMatches(PyExc_StopIteration)) {
                PyObject *cause = fetch_exception();
                PyErr_SetString(PyExc_RuntimeError, g->is_coro ? "coroutine raised StopIteration"
                                                               : "generator raised StopIteration");
                PyObject *t, *v, *tb;
                PyErr_Fetch(&t, &v, &tb);
                PyErr_NormalizeException(&t, &v, &tb);
                if (cause != NULL) {
                    PyException_SetCause(v, cause);
                }
                PyErr_Restore(t, v, tb);
            }
            break;
        }
        if (!g->yielded) {
            g->label = -1;
            *result = r;
            r = NULL;
            break;
        }
        if (g->delegate != NULL) {
            /* `yield from`: start the delegate. */
            Py_DECREF(r);
            continue;
        }
        break;
    }
    g->running = 0;
    return r;
}

static PyObject *gen_iternext(PyObject *self) {
    PyObject *result;
    PyObject *r = gen_run((CPyGenObject *)self, Py_None, NULL, &result);
    if (r == NULL && result != NULL) {
        if (result != Py_None) {
            _PyGen_SetStopIterationValue(result);
        }
        Py_DECREF(result);
    }
    return r;
}

static PyObject *gen_finish_send(PyObject *r, PyObject *result) {
    if (r == NULL && result != NULL) {
        _PyGen_SetStopIterationValue(result);
        Py_DECREF(result);
    }
    return r;
}

static PyObject *gen_send(PyObject *self, PyObject *arg) {
    PyObject *result;
    PyObject *r = gen_run((CPyGenObject *)self, arg, NULL, &result);
    return gen_finish_send(r, result);
}

static PyObject *gen_throw(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "throw expected 1 to 3 arguments");
        return NULL;
    }
    PyObject *typ = args[0];
    PyObject *val = nargs > 1 ? args[1] : NULL;
    PyObject *exc;
    if (PyExceptionInstance_Check(typ)) {
        exc = typ;
        Py_INCREF(exc);
    } else if (PyExceptionClass_Check(typ)) {
        if (val != NULL && val != Py_None && PyObject_TypeCheck(val, (PyTypeObject *)typ)) {
            exc = val;
            Py_INCREF(exc);
        } else if (val == NULL || val == Py_None) {
            exc = PyObject_CallNoArgs(typ);
        } else {
            exc = PyObject_CallOneArg(typ, val);
        }
        if (exc == NULL) {
            return NULL;
        }
    } else {
        PyErr_SetString(PyExc_TypeError,
                        "exceptions must be classes or instances deriving from BaseException");
        return NULL;
    }
    if (nargs > 2 && args[2] != Py_None) {
        PyException_SetTraceback(exc, args[2]);
    }
    PyObject *result;
    PyObject *r = gen_run((CPyGenObject *)self, NULL, exc, &result);
    Py_DECREF(exc);
    return gen_finish_send(r, result);
}

static PyObject *gen_close(PyObject *self, PyObject *unused) {
    CPyGenObject *g = (CPyGenObject *)self;
    if (g->label <= 0 && g->delegate == NULL) {
        g->label = -1;
        Py_RETURN_NONE;
    }
    PyObject *exc = PyObject_CallNoArgs(PyExc_GeneratorExit);
    if (exc == NULL) {
        return NULL;
    }
    PyObject *result;
    PyObject *r = gen_run(g, NULL, exc, &result);
    Py_DECREF(exc);
    if (r != NULL) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_RuntimeError, g->is_coro ? "coroutine ignored GeneratorExit"
                                                       : "generator ignored GeneratorExit");
        return NULL;
    }
    if (result != NULL) {
        Py_DECREF(result);
        Py_RETURN_NONE;
    }
    if (PyErr_ExceptionMatches(PyExc_GeneratorExit) || PyErr_ExceptionMatches(PyExc_StopIteration)) {
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    return NULL;
}

static void gen_finalize(PyObject *self) {
    CPyGenObject *g = (CPyGenObject *)self;
    if (g->label <= 0 && g->delegate == NULL) {
        return;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *r = gen_close(self, NULL);
    if (r == NULL) {
        PyErr_WriteUnraisable(self);
    } else {
        Py_DECREF(r);
    }
    PyErr_Restore(type, value, tb);
}

static int gen_traverse(PyObject *self, visitproc visit, void *arg) {
    CPyGenObject *g = (CPyGenObject *)self;
    Py_VISIT(g->env);
    Py_VISIT(g->delegate);
    return 0;
}

static int gen_clear(PyObject *self) {
    CPyGenObject *g = (CPyGenObject *)self;
    Py_CLEAR(g->env);
    Py_CLEAR(g->delegate);
    return 0;
}

static void gen_dealloc(PyObject *self) {
    if (PyObject_CallFinalizerFromDealloc(self) < 0) {
        return; /* resurrected */
    }
    PyObject_GC_UnTrack(self);
    CPyGenObject *g = (CPyGenObject *)self;
    gen_clear(self);
    Py_CLEAR(g->name);
    PyObject_GC_Del(self);
}

static PyObject *gen_self(PyObject *self) {
    Py_INCREF(self);
    return self;
}

static PyObject *gen_repr(PyObject *self) {
    CPyGenObject *g = (CPyGenObject *)self;
    return PyUnicode_FromFormat("<%s object %U at %p>", g->is_coro ? "coroutine" : "generator",
                                g->name, self);
}

static PyObject *gen_get_name(PyObject *self, void *closure) {
    PyObject *n = ((CPyGenObject *)self)->name;
    Py_INCREF(n);
    return n;
}

static PyObject *gen_get_running(PyObject *self, void *closure) {
    return PyBool_FromLong(((CPyGenObject *)self)->running);
}

static PyMethodDef gen_methods[] = {
    {"send", (PyCFunction)gen_send, METH_O, NULL},
    {"throw", (PyCFunction)(void (*)(void))gen_throw, METH_FASTCALL, NULL},
    {"close", (PyCFunction)gen_close, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef gen_getset[] = {
    {"__name__", gen_get_name, NULL, NULL, NULL},
    {"__qualname__", gen_get_name, NULL, NULL, NULL},
    {"gi_running", gen_get_running, NULL, NULL, NULL},
    {"cr_running", gen_get_running, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyAsyncMethods coro_as_async = {
    gen_self, /* am_await: the coroutine is its own iterator */
    NULL,
    NULL,
    NULL,
};

PyTypeObject CPyGen_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "generator",
    .tp_basicsize = sizeof(CPyGenObject),
    .tp_dealloc = gen_dealloc,
    .tp_repr = gen_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = gen_traverse,
    .tp_clear = gen_clear,
    .tp_iter = gen_self,
    .tp_iternext = gen_iternext,
    .tp_methods = gen_methods,
    .tp_getset = gen_getset,
    .tp_finalize = gen_finalize,
};

PyTypeObject CPyCoro_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "coroutine",
    .tp_basicsize = sizeof(CPyGenObject),
    .tp_dealloc = gen_dealloc,
    .tp_repr = gen_repr,
    .tp_as_async = &coro_as_async,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = gen_traverse,
    .tp_clear = gen_clear,
    .tp_iter = gen_self,
    .tp_iternext = gen_iternext,
    .tp_methods = gen_methods,
    .tp_getset = gen_getset,
    .tp_finalize = gen_finalize,
};

static int register_abc(PyTypeObject *t, const char *abc) {
    /* Make isinstance(g, collections.abc.Generator/Coroutine) hold. */
    PyObject *mod = PyImport_ImportModule("collections.abc");
    if (mod == NULL) {
        return -1;
    }
    PyObject *r = PyObject_CallMethod(mod, "__getattribute__", "s", abc);
    Py_DECREF(mod);
    if (r == NULL) {
        return -1;
    }
    PyObject *reg = PyObject_CallMethod(r, "register", "O", (PyObject *)t);
    Py_DECREF(r);
    if (reg == NULL) {
        return -1;
    }
    Py_DECREF(reg);
    return 0;
}

static int gen_types_ready(void) {
    static int ready = 0;
    if (ready) {
        return 0;
    }
    if (PyType_Ready(&CPyGen_Type) < 0 || PyType_Ready(&CPyCoro_Type) < 0) {
        return -1;
    }
    if (register_abc(&CPyGen_Type, "Generator") < 0 || register_abc(&CPyCoro_Type, "Coroutine") < 0) {
        return -1;
    }
    ready = 1;
    return 0;
}

PyObject *CPyGen_New(PyObject *env, CPyGenResume resume, const char *name, int is_coro) {
    if (gen_types_ready() < 0) {
        return NULL;
    }
    CPyGenObject *g = PyObject_GC_New(CPyGenObject, is_coro ? &CPyCoro_Type : &CPyGen_Type);
    if (g == NULL) {
        return NULL;
    }
    g->name = PyUnicode_FromString(name);
    if (g->name == NULL) {
        g->env = NULL;
        g->delegate = NULL;
        g->label = -1;
        Py_DECREF(g);
        return NULL;
    }
    Py_INCREF(env);
    g->env = env;
    g->resume = resume;
    g->delegate = NULL;
    g->label = 0;
    g->yielded = 0;
    g->running = 0;
    g->is_coro = (char)is_coro;
    PyObject_GC_Track((PyObject *)g);
    return (PyObject *)g;
}

int CPyGen_SetDelegate(PyObject *gen, PyObject *it) {
    CPyGenObject *g = (CPyGenObject *)gen;
    Py_INCREF(it);
    Py_XSETREF(g->delegate, it);
    return 1;
}

PyObject *CPy_GetAwaitable(PyObject *o) {
    /* The iterator `await o` delegates to. */
    if (Py_TYPE(o) == &CPyCoro_Type) {
        Py_INCREF(o);
        return o;
    }
    PyAsyncMethods *am = Py_TYPE(o)->tp_as_async;
    if (am == NULL || am->am_await == NULL) {
        PyErr_Format(PyExc_TypeError, "object %.100s can't be used in 'await' expression",
                     Py_TYPE(o)->tp_name);
        return NULL;
    }
    PyObject *it = am->am_await(o);
    if (it != NULL && !PyIter_Check(it)) {
        PyErr_Format(PyExc_TypeError, "__await__() returned non-iterator of type '%.100s'",
                     Py_TYPE(it)->tp_name);
        Py_DECREF(it);
        return NULL;
    }
    return it;
}

/* Function objects of compiled functions that are created at runtime
 * (nested functions, lambdas, decorated functions, methods of classes
 * built at import). Like Python functions they take attributes (a
 * `__dict__`), have writable `__name__`/`__qualname__`/`__doc__`/
 * `__module__` (so functools.wraps works) and bind as methods. `env` is
 * passed to the wrapper as its `self`: a closure's environment. */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    CPyFunctionImpl impl;
    PyObject *env;
    PyObject *name;
    PyObject *qualname;
    PyObject *doc;
    PyObject *module;
    PyObject *dict;
} CPyFunctionObject;

static PyObject *func_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                                 PyObject *kwnames) {
    CPyFunctionObject *f = (CPyFunctionObject *)self;
    return f->impl(f->env, args, PyVectorcall_NARGS(nargsf), kwnames);
}

static int func_traverse(PyObject *self, visitproc visit, void *arg) {
    CPyFunctionObject *f = (CPyFunctionObject *)self;
    Py_VISIT(f->env);
    Py_VISIT(f->name);
    Py_VISIT(f->qualname);
    Py_VISIT(f->doc);
    Py_VISIT(f->module);
    Py_VISIT(f->dict);
    return 0;
}

static int func_clear(PyObject *self) {
    CPyFunctionObject *f = (CPyFunctionObject *)self;
    Py_CLEAR(f->env);
    Py_CLEAR(f->name);
    Py_CLEAR(f->qualname);
    Py_CLEAR(f->doc);
    Py_CLEAR(f->module);
    Py_CLEAR(f->dict);
    return 0;
}

static void func_dealloc(PyObject *self) {
    PyObject_GC_UnTrack(self);
    func_clear(self);
    PyObject_GC_Del(self);
}

static PyObject *func_repr(PyObject *self) {
    CPyFunctionObject *f = (CPyFunctionObject *)self;
    return PyUnicode_FromFormat("<function %U at %p>", f->qualname, self);
}

static PyObject *func_descr_get(PyObject *self, PyObject *obj, PyObject *type) {
    if (obj == NULL || obj == Py_None) {
        Py_INCREF(self);
        return self;
    }
    return PyMethod_New(self, obj);
}

#define FUNC_FIELD_GETSET(field)                                                   \
    static PyObject *func_get_##field(PyObject *self, void *c) {                   \
        PyObject *v = ((CPyFunctionObject *)self)->field;                          \
        if (v == NULL) {                                                           \
            v = Py_None;                                                           \
        }                                                                          \
        Py_INCREF(v);                                                              \
        return v;                                                                  \
    }                                                                              \
    static int func_set_##field(PyObject *self, PyObject *value, void *c) {        \
        if (value == NULL) {                                                       \
            PyErr_SetString(PyExc_TypeError, "cannot delete function attribute"); \
            return -1;                                                             \
        }                                                                          \
        Py_INCREF(value);                                                          \
        Py_XSETREF(((CPyFunctionObject *)self)->field, value);                     \
        return 0;                                                                  \
    }

FUNC_FIELD_GETSET(name)
FUNC_FIELD_GETSET(qualname)
FUNC_FIELD_GETSET(doc)
FUNC_FIELD_GETSET(module)

static PyGetSetDef func_getset[] = {
    {"__name__", func_get_name, func_set_name, NULL, NULL},
    {"__qualname__", func_get_qualname, func_set_qualname, NULL, NULL},
    {"__doc__", func_get_doc, func_set_doc, NULL, NULL},
    {"__module__", func_get_module, func_set_module, NULL, NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject CPyFunction_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "function",
    .tp_basicsize = sizeof(CPyFunctionObject),
    .tp_dealloc = func_dealloc,
    .tp_vectorcall_offset = offsetof(CPyFunctionObject, vectorcall),
    .tp_repr = func_repr,
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
                Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_traverse = func_traverse,
    .tp_clear = func_clear,
    .tp_getset = func_getset,
    .tp_descr_get = func_descr_get,
    .tp_dictoffset = offsetof(CPyFunctionObject, dict),
};

PyObject *CPyFunction_New(CPyFunctionImpl impl, PyObject *env, const char *name,
                          const char *module) {
    if (!(CPyFunction_Type.tp_flags & Py_TPFLAGS_READY) && PyType_Ready(&CPyFunction_Type) < 0) {
        return NULL;
    }
    CPyFunctionObject *f = PyObject_GC_New(CPyFunctionObject, &CPyFunction_Type);
    if (f == NULL) {
        return NULL;
    }
    f->vectorcall = func_vectorcall;
    f->impl = impl;
    Py_XINCREF(env);
    f->env = env;
    f->name = PyUnicode_FromString(name);
    f->module = PyUnicode_FromString(module);
    f->qualname = f->name;
    Py_XINCREF(f->qualname);
    f->doc = NULL;
    f->dict = NULL;
    PyObject_GC_Track((PyObject *)f);
    if (f->name == NULL || f->module == NULL) {
        Py_DECREF(f);
        return NULL;
    }
    return (PyObject *)f;
}
