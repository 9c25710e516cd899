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

extern PyTypeObject CPyAsyncGenOp_Type;

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
                                          : g->is_agen ? "async generator already executing"
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
        PyErr_SetString(PyExc_TypeError,
                        g->is_coro   ? "can't send non-None value to a just-started coroutine"
                        : g->is_agen ? "can't send non-None value to a just-started async generator"
                                     : "can't send non-None value to a just-started generator");
        return NULL;
    }
    /* A step runs the body as a call would: a generator that iterates
     * itself (recursive `yield from`) ends with RecursionError. */
    if (!CPy_CheckStack()) {
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
                g->body_yield = 0;
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
            int stop_async = g->is_agen && PyErr_ExceptionMatches(PyExc_StopAsyncIteration);
            if (stop_async || PyErr_ExceptionMatches(PyExc_StopIteration)) {
                PyObject *cause = fetch_exception();
                PyErr_SetString(PyExc_RuntimeError,
                                stop_async   ? "async generator raised StopAsyncIteration"
                                : g->is_coro ? "coroutine raised StopIteration"
                                : g->is_agen ? "async generator raised StopIteration"
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
        g->body_yield = 1;
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

/* The exception that throw(typ[, val[, tb]]) raises (new reference), NULL on error. */
static PyObject *throw_exception(PyObject *const *args, Py_ssize_t nargs) {
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
    return exc;
}

static PyObject *gen_throw(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *exc = throw_exception(args, nargs);
    if (exc == NULL) {
        return NULL;
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
        PyErr_SetString(PyExc_RuntimeError, g->is_coro   ? "coroutine ignored GeneratorExit"
                                            : g->is_agen ? "async generator ignored GeneratorExit"
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
    Py_VISIT(g->ag_finalizer);
    return 0;
}

static int gen_clear(PyObject *self) {
    CPyGenObject *g = (CPyGenObject *)self;
    Py_CLEAR(g->env);
    Py_CLEAR(g->delegate);
    Py_CLEAR(g->ag_finalizer);
    return 0;
}

static void gen_dealloc(PyObject *self) {
    if (PyObject_CallFinalizerFromDealloc(self) < 0) {
        return; /* resurrected */
    }
    PyObject_GC_UnTrack(self);
    CPyGenObject *g = (CPyGenObject *)self;
    if (g->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
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
    .tp_weaklistoffset = offsetof(CPyGenObject, weakreflist),
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
    .tp_weaklistoffset = offsetof(CPyGenObject, weakreflist),
};

/* Async generators. The object is a CPyGenObject whose body both awaits
 * (delegation, as in a coroutine: what the awaitable yields goes out to
 * the event loop) and yields values (`body_yield`). __anext__(), asend(),
 * athrow() and aclose() return an awaitable (CPyAsyncGenOp) that drives
 * the body: a value passed through from an await is yielded to the event
 * loop; a value the body yields finishes the awaitable (StopIteration with
 * the value); the body finishing raises StopAsyncIteration. */

enum { AGEN_SEND, AGEN_THROW, AGEN_CLOSE };
enum { AGENOP_INIT, AGENOP_ITER, AGENOP_DONE };

typedef struct {
    PyObject_HEAD
    CPyGenObject *gen;
    PyObject *value; /* asend: the value to send; athrow: the exception */
    int mode;
    int state;
} CPyAsyncGenOp;

static int agen_init_hooks(CPyGenObject *g) {
    /* On first iteration, as CPython: remember the finalizer and call firstiter. */
    if (g->hooks_inited) {
        return 0;
    }
    g->hooks_inited = 1;
    PyObject *sys = PyImport_ImportModule("sys");
    if (sys == NULL) {
        return -1;
    }
    PyObject *hooks = PyObject_CallMethod(sys, "get_asyncgen_hooks", NULL);
    Py_DECREF(sys);
    if (hooks == NULL) {
        return -1;
    }
    PyObject *firstiter = PySequence_GetItem(hooks, 0);
    PyObject *finalizer = firstiter != NULL ? PySequence_GetItem(hooks, 1) : NULL;
    Py_DECREF(hooks);
    if (finalizer == NULL) {
        Py_XDECREF(firstiter);
        return -1;
    }
    if (finalizer != Py_None) {
        Py_XSETREF(g->ag_finalizer, finalizer);
    } else {
        Py_DECREF(finalizer);
    }
    if (firstiter != Py_None) {
        PyObject *r = PyObject_CallOneArg(firstiter, (PyObject *)g);
        Py_DECREF(firstiter);
        if (r == NULL) {
            return -1;
        }
        Py_DECREF(r);
    } else {
        Py_DECREF(firstiter);
    }
    return 0;
}

static PyObject *agenop_new(PyObject *self, PyObject *value, int mode) {
    CPyGenObject *g = (CPyGenObject *)self;
    if (agen_init_hooks(g) < 0) {
        return NULL;
    }
    CPyAsyncGenOp *o = PyObject_GC_New(CPyAsyncGenOp, &CPyAsyncGenOp_Type);
    if (o == NULL) {
        return NULL;
    }
    Py_INCREF(self);
    o->gen = g;
    Py_XINCREF(value);
    o->value = value;
    o->mode = mode;
    o->state = AGENOP_INIT;
    PyObject_GC_Track((PyObject *)o);
    return (PyObject *)o;
}

/* Interpret one step of the body for the awaitable `o`. */
static PyObject *agenop_result(CPyAsyncGenOp *o, PyObject *r, PyObject *result) {
    CPyGenObject *g = o->gen;
    if (r != NULL && !g->body_yield) {
        return r; /* an await inside the body: out to the event loop */
    }
    o->state = AGENOP_DONE;
    g->ag_running = 0;
    if (r != NULL) {
        if (o->mode == AGEN_CLOSE) {
            Py_DECREF(r);
            PyErr_SetString(PyExc_RuntimeError, "async generator ignored GeneratorExit");
            return NULL;
        }
        _PyGen_SetStopIterationValue(r);
        Py_DECREF(r);
        return NULL;
    }
    if (result != NULL) {
        Py_DECREF(result);
        PyErr_SetNone(o->mode == AGEN_CLOSE ? PyExc_StopIteration : PyExc_StopAsyncIteration);
        return NULL;
    }
    if (o->mode == AGEN_CLOSE && (PyErr_ExceptionMatches(PyExc_StopAsyncIteration) ||
                                  PyErr_ExceptionMatches(PyExc_GeneratorExit))) {
        PyErr_Clear();
        PyErr_SetNone(PyExc_StopIteration);
    }
    return NULL;
}

static PyObject *agenop_step(CPyAsyncGenOp *o, PyObject *sent, PyObject *exc) {
    CPyGenObject *g = o->gen;
    if (o->state == AGENOP_DONE) {
        PyErr_SetString(PyExc_RuntimeError,
                        o->mode == AGEN_SEND    ? "cannot reuse already awaited __anext__()/asend()"
                        : o->mode == AGEN_THROW ? "cannot reuse already awaited athrow()"
                                                : "cannot reuse already awaited aclose()");
        return NULL;
    }
    PyObject *own = NULL;
    if (o->state == AGENOP_INIT) {
        if (g->ag_running) {
            o->state = AGENOP_DONE;
            PyErr_SetString(PyExc_RuntimeError,
                            o->mode == AGEN_SEND ? "anext(): asynchronous generator is already running"
                            : o->mode == AGEN_THROW
                                ? "athrow(): asynchronous generator is already running"
                                : "aclose(): asynchronous generator is already running");
            return NULL;
        }
        if (o->mode == AGEN_CLOSE && g->label <= 0 && g->delegate == NULL) {
            /* Not started or finished: nothing to run. */
            g->label = -1;
            o->state = AGENOP_DONE;
            PyErr_SetNone(PyExc_StopIteration);
            return NULL;
        }
        if (exc == NULL) {
            if (o->mode == AGEN_SEND) {
                if ((sent == NULL || sent == Py_None) && o->value != NULL) {
                    sent = o->value;
                }
            } else if (o->mode == AGEN_THROW) {
                exc = o->value;
            } else {
                own = PyObject_CallNoArgs(PyExc_GeneratorExit);
                if (own == NULL) {
                    return NULL;
                }
                exc = own;
            }
        }
        o->state = AGENOP_ITER;
        g->ag_running = 1;
    }
    PyObject *result;
    PyObject *r = gen_run(g, exc != NULL ? NULL : sent, exc, &result);
    Py_XDECREF(own);
    return agenop_result(o, r, result);
}

static PyObject *agenop_iternext(PyObject *self) {
    return agenop_step((CPyAsyncGenOp *)self, Py_None, NULL);
}

static PyObject *agenop_send(PyObject *self, PyObject *arg) {
    return agenop_step((CPyAsyncGenOp *)self, arg, NULL);
}

static PyObject *agenop_throw(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *exc = throw_exception(args, nargs);
    if (exc == NULL) {
        return NULL;
    }
    PyObject *r = agenop_step((CPyAsyncGenOp *)self, NULL, exc);
    Py_DECREF(exc);
    return r;
}

static PyObject *agenop_close(PyObject *self, PyObject *unused) {
    CPyAsyncGenOp *o = (CPyAsyncGenOp *)self;
    if (o->state == AGENOP_ITER) {
        o->gen->ag_running = 0;
    }
    o->state = AGENOP_DONE;
    Py_RETURN_NONE;
}

static int agenop_traverse(PyObject *self, visitproc visit, void *arg) {
    CPyAsyncGenOp *o = (CPyAsyncGenOp *)self;
    Py_VISIT(o->gen);
    Py_VISIT(o->value);
    return 0;
}

static int agenop_clear(PyObject *self) {
    CPyAsyncGenOp *o = (CPyAsyncGenOp *)self;
    Py_CLEAR(o->gen);
    Py_CLEAR(o->value);
    return 0;
}

static void agenop_dealloc(PyObject *self) {
    CPyAsyncGenOp *o = (CPyAsyncGenOp *)self;
    PyObject_GC_UnTrack(self);
    if (o->state == AGENOP_ITER && o->gen != NULL) {
        o->gen->ag_running = 0;
    }
    agenop_clear(self);
    PyObject_GC_Del(self);
}

static PyMethodDef agenop_methods[] = {
    {"send", (PyCFunction)agenop_send, METH_O, NULL},
    {"throw", (PyCFunction)(void (*)(void))agenop_throw, METH_FASTCALL, NULL},
    {"close", (PyCFunction)agenop_close, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyAsyncMethods agenop_as_async = {
    gen_self, /* am_await */
    NULL,
    NULL,
    NULL,
};

PyTypeObject CPyAsyncGenOp_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "async_generator_asend",
    .tp_basicsize = sizeof(CPyAsyncGenOp),
    .tp_dealloc = agenop_dealloc,
    .tp_as_async = &agenop_as_async,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = agenop_traverse,
    .tp_clear = agenop_clear,
    .tp_iter = gen_self,
    .tp_iternext = agenop_iternext,
    .tp_methods = agenop_methods,
};

static PyObject *agen_anext(PyObject *self) {
    return agenop_new(self, NULL, AGEN_SEND);
}

static PyObject *agen_asend(PyObject *self, PyObject *arg) {
    return agenop_new(self, arg, AGEN_SEND);
}

static PyObject *agen_athrow(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *exc = throw_exception(args, nargs);
    if (exc == NULL) {
        return NULL;
    }
    PyObject *r = agenop_new(self, exc, AGEN_THROW);
    Py_DECREF(exc);
    return r;
}

static PyObject *agen_aclose(PyObject *self, PyObject *unused) {
    return agenop_new(self, NULL, AGEN_CLOSE);
}

static void agen_finalize(PyObject *self) {
    CPyGenObject *g = (CPyGenObject *)self;
    if (g->label <= 0 && g->delegate == NULL) {
        return;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (g->ag_finalizer != NULL) {
        /* The event loop closes it (asynchronously). */
        PyObject *r = PyObject_CallOneArg(g->ag_finalizer, self);
        if (r == NULL) {
            PyErr_WriteUnraisable(self);
        } else {
            Py_DECREF(r);
        }
    } else {
        PyObject *r = gen_close(self, NULL);
        if (r == NULL) {
            PyErr_WriteUnraisable(self);
        } else {
            Py_DECREF(r);
        }
    }
    PyErr_Restore(type, value, tb);
}

static PyObject *agen_repr(PyObject *self) {
    return PyUnicode_FromFormat("<async_generator object %U at %p>", ((CPyGenObject *)self)->name,
                                self);
}

static PyObject *agen_get_running(PyObject *self, void *closure) {
    return PyBool_FromLong(((CPyGenObject *)self)->ag_running);
}

static PyMethodDef agen_methods[] = {
    {"asend", (PyCFunction)agen_asend, METH_O, NULL},
    {"athrow", (PyCFunction)(void (*)(void))agen_athrow, METH_FASTCALL, NULL},
    {"aclose", (PyCFunction)agen_aclose, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef agen_getset[] = {
    {"__name__", gen_get_name, NULL, NULL, NULL},
    {"__qualname__", gen_get_name, NULL, NULL, NULL},
    {"ag_running", agen_get_running, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyAsyncMethods agen_as_async = {
    NULL,
    gen_self, /* am_aiter */
    agen_anext,
    NULL,
};

PyTypeObject CPyAsyncGen_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "async_generator",
    .tp_basicsize = sizeof(CPyGenObject),
    .tp_dealloc = gen_dealloc,
    .tp_repr = agen_repr,
    .tp_as_async = &agen_as_async,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = gen_traverse,
    .tp_clear = gen_clear,
    .tp_methods = agen_methods,
    .tp_getset = agen_getset,
    .tp_finalize = agen_finalize,
    .tp_weaklistoffset = offsetof(CPyGenObject, weakreflist),
};

/* Call the special method `name` of o's type (NULL with no error if absent). */
static PyObject *call_special(PyObject *o, const char *name) {
    PyObject *n = PyUnicode_FromString(name);
    if (n == NULL) {
        return NULL;
    }
    PyObject *m = _PyType_Lookup(Py_TYPE(o), n);
    Py_DECREF(n);
    if (m == NULL) {
        return NULL;
    }
    return PyObject_CallOneArg(m, o);
}

PyObject *CPy_GetAIter(PyObject *o) {
    /* aiter(o) */
    PyAsyncMethods *am = Py_TYPE(o)->tp_as_async;
    PyObject *it;
    if (am != NULL && am->am_aiter != NULL) {
        it = am->am_aiter(o);
    } else {
        it = call_special(o, "__aiter__");
        if (it == NULL && !PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError,
                         "'async for' requires an object with __aiter__ method, got %.100s",
                         Py_TYPE(o)->tp_name);
        }
    }
    return it;
}

PyObject *CPy_GetANext(PyObject *o) {
    /* The awaitable of o.__anext__(). */
    PyAsyncMethods *am = Py_TYPE(o)->tp_as_async;
    PyObject *aw;
    if (am != NULL && am->am_anext != NULL) {
        aw = am->am_anext(o);
    } else {
        aw = call_special(o, "__anext__");
        if (aw == NULL && !PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError,
                         "'async for' requires an iterator with __anext__ method, got %.100s",
                         Py_TYPE(o)->tp_name);
        }
    }
    return aw;
}

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
    if (PyType_Ready(&CPyGen_Type) < 0 || PyType_Ready(&CPyCoro_Type) < 0 ||
        PyType_Ready(&CPyAsyncGen_Type) < 0 || PyType_Ready(&CPyAsyncGenOp_Type) < 0) {
        return -1;
    }
    if (register_abc(&CPyGen_Type, "Generator") < 0 || register_abc(&CPyCoro_Type, "Coroutine") < 0 ||
        register_abc(&CPyAsyncGen_Type, "AsyncGenerator") < 0) {
        return -1;
    }
    ready = 1;
    return 0;
}

/* `kind`: 0 generator, 1 coroutine, 2 async generator. */
PyObject *CPyGen_New(PyObject *env, CPyGenResume resume, const char *name, int kind) {
    if (gen_types_ready() < 0) {
        return NULL;
    }
    PyTypeObject *t = kind == 2 ? &CPyAsyncGen_Type : kind == 1 ? &CPyCoro_Type : &CPyGen_Type;
    CPyGenObject *g = PyObject_GC_New(CPyGenObject, t);
    if (g == NULL) {
        return NULL;
    }
    g->weakreflist = NULL;
    g->ag_finalizer = NULL;
    g->is_agen = kind == 2;
    g->body_yield = 0;
    g->ag_running = 0;
    g->hooks_inited = 0;
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
    g->is_coro = kind == 1;
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
    /* "name(params)\n--\n\n" (static storage), or "" without a signature. */
    const char *text_sig;
    /* An `async def`: looks like a Python coroutine function to `inspect`
     * (a `__code__` flagged CO_COROUTINE, made on first use). */
    int is_coroutine;
    PyObject *code;
} CPyFunctionObject;

static PyObject *func_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                                 PyObject *kwnames) {
    CPyFunctionObject *f = (CPyFunctionObject *)self;
    /* Nothing counts calls through here (type slots, properties, closures
     * and lambdas call compiled code this way): check the stack. */
    if (!CPy_CheckStack()) {
        return NULL;
    }
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
    Py_VISIT(f->code);
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
    Py_CLEAR(f->code);
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

static PyObject *func_get_text_signature(PyObject *self, void *c) {
    /* As CPython reads a builtin's signature from its C doc string. */
    const char *sig = ((CPyFunctionObject *)self)->text_sig;
    const char *start = sig != NULL ? strchr(sig, '(') : NULL;
    const char *end = start != NULL ? strstr(start, ")\n--\n\n") : NULL;
    if (end == NULL) {
        Py_RETURN_NONE;
    }
    return PyUnicode_FromStringAndSize(start, end + 1 - start);
}

/* The attributes that make `inspect` take a coroutine function for a Python
 * function (`inspect.iscoroutinefunction`): `__code__` (an empty code
 * object flagged CO_COROUTINE), `__defaults__` and `__kwdefaults__` (None).
 * Other compiled functions do not have them. */
static int func_check_coroutine(PyObject *self, const char *attr) {
    if (((CPyFunctionObject *)self)->is_coroutine) {
        return 1;
    }
    PyErr_Format(PyExc_AttributeError, "'function' object has no attribute '%s'", attr);
    return 0;
}

static PyObject *func_get_code(PyObject *self, void *c) {
    CPyFunctionObject *f = (CPyFunctionObject *)self;
    if (!func_check_coroutine(self, "__code__")) {
        return NULL;
    }
    if (f->code == NULL) {
        const char *module = PyUnicode_AsUTF8(f->module);
        const char *name = PyUnicode_Check(f->name) ? PyUnicode_AsUTF8(f->name) : "<function>";
        if (module == NULL || name == NULL) {
            return NULL;
        }
        PyCodeObject *code = PyCode_NewEmpty(module, name, 0);
        if (code == NULL) {
            return NULL;
        }
        code->co_flags |= CO_COROUTINE;
        f->code = (PyObject *)code;
    }
    Py_INCREF(f->code);
    return f->code;
}

static PyObject *func_get_defaults(PyObject *self, void *c) {
    if (!func_check_coroutine(self, (const char *)c)) {
        return NULL;
    }
    Py_RETURN_NONE;
}

char CPy_IsSingledispatchRegister(PyObject *o) {
    if (!PyFunction_Check(o)) {
        return 0;
    }
    PyObject *qualname = ((PyFunctionObject *)o)->func_qualname;
    PyObject *module = ((PyFunctionObject *)o)->func_module;
    return qualname != NULL && module != NULL && PyUnicode_Check(qualname) &&
           PyUnicode_Check(module) &&
           PyUnicode_CompareWithASCIIString(qualname, "singledispatch.<locals>.register") == 0 &&
           PyUnicode_CompareWithASCIIString(module, "functools") == 0;
}

void CPyFunction_MarkCoroutine(PyObject *f) {
    ((CPyFunctionObject *)f)->is_coroutine = 1;
}

static PyGetSetDef func_getset[] = {
    {"__code__", func_get_code, NULL, NULL, NULL},
    {"__defaults__", func_get_defaults, NULL, NULL, "__defaults__"},
    {"__kwdefaults__", func_get_defaults, NULL, NULL, "__kwdefaults__"},
    {"__text_signature__", func_get_text_signature, NULL, NULL, NULL},
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
                          const char *module, const char *text_sig) {
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
    f->text_sig = text_sig;
    f->is_coroutine = 0;
    f->code = NULL;
    PyObject_GC_Track((PyObject *)f);
    if (f->name == NULL || f->module == NULL) {
        Py_DECREF(f);
        return NULL;
    }
    return (PyObject *)f;
}
