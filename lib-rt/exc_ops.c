/*
 * exc_ops.c: raising, catching and tracing exceptions.
 *
 * Owns traceback entries for compiled frames (CPy_AddTraceback), type
 * errors for failed runtime type checks, `raise` / `raise ... from ...` /
 * bare `raise`, assertion failures, and the try/except protocol:
 *
 *   saved = CPy_CatchError();      entering `except`: the pending exception
 *                                  becomes the handled one (sys.exc_info())
 *   CPy_ExceptionMatches(T) ...    tests against the handled exception
 *   CPy_RestoreExcInfo(saved);     leaving the handler (normally or not)
 *
 * The "handled exception" is the interpreter's per-thread exc_info, read and
 * written with PyErr_GetExcInfo/PyErr_SetExcInfo, which exist on every
 * supported version.
 */
#include "CPy.h"

#include <frameobject.h>

/* ---- tracebacks ------------------------------------------------------ */

/* A frame whose code has the given file, function and first line. A fresh
 * frame has not executed an instruction, so its line number is the code's
 * first line. */
static PyFrameObject *cpy_make_frame(const char *filename, const char *funcname,
                                     int line, PyObject *globals) {
    PyCodeObject *code = PyCode_NewEmpty(filename, funcname, line);
    if (code == NULL) {
        return NULL;
    }
    PyObject *owned_globals = NULL;
    if (globals == NULL || !PyDict_Check(globals)) {
        owned_globals = PyDict_New();
        if (owned_globals == NULL) {
            Py_DECREF(code);
            return NULL;
        }
        globals = owned_globals;
    }
    PyFrameObject *frame = PyFrame_New(PyThreadState_Get(), code, globals, NULL);
    Py_DECREF(code);
    Py_XDECREF(owned_globals);
    return frame;
}

/* The pending exception, taken out of and put back into the thread state
 * (PyErr_Fetch is deprecated from 3.12 on). */
typedef struct {
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *exc;
#else
    PyObject *type, *value, *tb;
#endif
} cpy_pending;

static cpy_pending cpy_take_pending(void) {
    cpy_pending p;
#if PY_VERSION_HEX >= 0x030C0000
    p.exc = PyErr_GetRaisedException();
#else
    PyErr_Fetch(&p.type, &p.value, &p.tb);
#endif
    return p;
}

static void cpy_put_pending(cpy_pending p) {
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(p.exc);
#else
    PyErr_Restore(p.type, p.value, p.tb);
#endif
}

/* Frames of traceback entries, kept for reuse: an entry's frame never
 * runs, and what a traceback shows of it (code, line, globals) is the same
 * for every entry of one place, so one frame serves every exception passing
 * through there. A direct-mapped table keyed by the place (the file and
 * function names are the generated code's string constants). */
#define CPY_FRAME_CACHE_SIZE 512

typedef struct {
    const char *filename;
    const char *funcname;
    int line;
    PyObject *globals;
    PyFrameObject *frame;
} cpy_cached_frame;

static cpy_cached_frame cpy_frame_cache[CPY_FRAME_CACHE_SIZE];

static PyFrameObject *cpy_traceback_frame(const char *filename, const char *funcname,
                                          int line, PyObject *globals) {
    size_t h = ((size_t)filename >> 3) ^ ((size_t)funcname >> 2) ^ ((size_t)line * 2654435761u);
    cpy_cached_frame *slot = &cpy_frame_cache[h % CPY_FRAME_CACHE_SIZE];
    if (slot->frame != NULL && slot->filename == filename && slot->funcname == funcname &&
        slot->line == line && slot->globals == globals) {
        Py_INCREF(slot->frame);
        return slot->frame;
    }
    PyFrameObject *frame = cpy_make_frame(filename, funcname, line, globals);
    if (frame != NULL && globals != NULL) {
        Py_XSETREF(slot->frame, frame);
        Py_INCREF(frame);
        slot->filename = filename;
        slot->funcname = funcname;
        slot->line = line;
        slot->globals = globals;
    }
    return frame;
}

void CPy_AddTraceback(const char *filename, const char *funcname, int line,
                      PyObject *globals) {
    /* Building the frame must not see (or clobber) the pending exception. */
    cpy_pending pending = cpy_take_pending();
    PyFrameObject *frame = cpy_traceback_frame(filename, funcname, line, globals);
    if (frame == NULL) {
        /* Keep the original exception; losing one entry is the lesser harm. */
        PyErr_Clear();
        cpy_put_pending(pending);
        return;
    }
    cpy_put_pending(pending);
    PyTraceBack_Here(frame);
    Py_DECREF(frame);
}

/* "module.qualname" of a type ("qualname" for builtins); NULL if either
 * attribute is missing or not a str. */
static PyObject *cpy_type_name(PyTypeObject *type) {
    PyObject *full = NULL;
    PyObject *module = PyObject_GetAttrString((PyObject *)type, "__module__");
    PyObject *name = NULL;
    if (module != NULL && PyUnicode_Check(module)) {
        name = PyObject_GetAttrString((PyObject *)type, "__qualname__");
        if (name != NULL && PyUnicode_Check(name)) {
            if (PyUnicode_CompareWithASCIIString(module, "builtins") == 0) {
                Py_INCREF(name);
                full = name;
            } else {
                full = PyUnicode_FromFormat("%U.%U", module, name);
            }
        }
    }
    Py_XDECREF(module);
    Py_XDECREF(name);
    return full;
}

/* The type of a value as mypyc writes it in type errors: tuples show their
 * items' types ("tuple[int, m.A]", "tuple[<50 items>]" past ten). */
static PyObject *cpy_format_type_name(PyObject *value) {
    if (value == Py_None) {
        return PyUnicode_FromString("None");
    }
    if (!PyTuple_CheckExact(value)) {
        return cpy_type_name(Py_TYPE(value));
    }
    Py_ssize_t n = PyTuple_GET_SIZE(value);
    if (n > 10) {
        return PyUnicode_FromFormat("tuple[<%zd items>]", n);
    }
    PyObject *out = PyUnicode_FromString("tuple[");
    for (Py_ssize_t i = 0; i < n && out != NULL; i++) {
        PyObject *item = cpy_format_type_name(PyTuple_GET_ITEM(value, i));
        if (item == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyObject *next = PyUnicode_FromFormat("%U%U%s", out, item, i + 1 == n ? "" : ", ");
        Py_DECREF(item);
        Py_SETREF(out, next);
    }
    if (out != NULL) {
        Py_SETREF(out, PyUnicode_FromFormat("%U]", out));
    }
    return out;
}

void CPy_TypeError(const char *expected, PyObject *value) {
    PyObject *got = cpy_format_type_name(value);
    if (got != NULL) {
        PyErr_Format(PyExc_TypeError, "%s object expected; got %U", expected, got);
        Py_DECREF(got);
    } else {
        PyErr_Format(PyExc_TypeError, "%s object expected; and errored formatting real type!",
                     expected);
    }
}

void CPy_TypeErrorTraceback(const char *filename, const char *funcname, int line,
                            PyObject *globals, const char *expected, PyObject *value) {
    CPy_TypeError(expected, value);
    CPy_AddTraceback(filename, funcname, line, globals);
}

/* ---- raising --------------------------------------------------------- */

/* The exception instance for `raise exc`: instantiate a class, accept an
 * instance; new ref, or NULL with TypeError set. */
static PyObject *cpy_exception_instance(PyObject *exc) {
    if (PyExceptionClass_Check(exc)) {
        PyObject *inst = PyObject_CallNoArgs(exc);
        if (inst == NULL) {
            return NULL;
        }
        if (!PyExceptionInstance_Check(inst)) {
            PyErr_Format(PyExc_TypeError,
                         "calling %R should have returned an instance of "
                         "BaseException, not %s",
                         exc, Py_TYPE(inst)->tp_name);
            Py_DECREF(inst);
            return NULL;
        }
        return inst;
    }
    if (PyExceptionInstance_Check(exc)) {
        Py_INCREF(exc);
        return exc;
    }
    PyErr_SetString(PyExc_TypeError, "exceptions must derive from BaseException");
    return NULL;
}

void CPy_Raise(PyObject *exc) {
    PyObject *inst = cpy_exception_instance(exc);
    if (inst == NULL) {
        return;
    }
    /* PyErr_SetObject also chains the handled exception as __context__. */
    PyErr_SetObject((PyObject *)Py_TYPE(inst), inst);
    Py_DECREF(inst);
}

void CPy_RaiseFrom(PyObject *exc, PyObject *cause) {
    PyObject *inst = cpy_exception_instance(exc);
    if (inst == NULL) {
        return;
    }
    PyObject *fixed_cause = NULL;
    if (cause != Py_None) {
        if (PyExceptionClass_Check(cause) || PyExceptionInstance_Check(cause)) {
            fixed_cause = cpy_exception_instance(cause);
            if (fixed_cause == NULL) {
                Py_DECREF(inst);
                return;
            }
        } else {
            PyErr_SetString(PyExc_TypeError,
                            "exception causes must derive from BaseException");
            Py_DECREF(inst);
            return;
        }
    }
    /* Steals fixed_cause; also sets __suppress_context__, even for None. */
    PyException_SetCause(inst, fixed_cause);
    PyErr_SetObject((PyObject *)Py_TYPE(inst), inst);
    Py_DECREF(inst);
}

void CPy_Reraise(void) {
    PyObject *type, *value, *tb;
    PyErr_GetExcInfo(&type, &value, &tb);
    if (value == NULL || value == Py_None) {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_SetString(PyExc_RuntimeError, "No active exception to reraise");
        return;
    }
#if PY_VERSION_HEX >= 0x030C0000
    Py_XDECREF(type);
    Py_XDECREF(tb);
    PyErr_SetRaisedException(value);
#else
    PyErr_Restore(type, value, tb);
#endif
}

void CPy_AssertFailed(PyObject *msg) {
    if (msg == NULL) {
        PyErr_SetNone(PyExc_AssertionError);
        return;
    }
    /* Instantiate explicitly: a tuple message is one argument, not many. */
    PyObject *inst = PyObject_CallOneArg(PyExc_AssertionError, msg);
    if (inst != NULL) {
        PyErr_SetObject(PyExc_AssertionError, inst);
        Py_DECREF(inst);
    }
}

/* ---- try/except ------------------------------------------------------ */

static PyObject *cpy_none_if_null(PyObject *o) {
    if (o == NULL) {
        Py_INCREF(Py_None);
        return Py_None;
    }
    return o;
}

tuple_T3OOO CPy_CatchError(void) {
    tuple_T3OOO saved;
    PyErr_GetExcInfo(&saved.f0, &saved.f1, &saved.f2);
    saved.f0 = cpy_none_if_null(saved.f0);
    saved.f1 = cpy_none_if_null(saved.f1);
    saved.f2 = cpy_none_if_null(saved.f2);

#if PY_VERSION_HEX >= 0x030C0000
    /* Already normalized, with its traceback attached. */
    PyObject *exc = PyErr_GetRaisedException();
    PyErr_SetHandledException(exc);
    Py_XDECREF(exc);
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL) {
        PyException_SetTraceback(value, tb);
    }
    /* Steals all three: this exception is now sys.exc_info(). */
    PyErr_SetExcInfo(type, value, tb);
#endif
    return saved;
}

void CPy_RestoreExcInfo(tuple_T3OOO info) {
    /* Steals; None in every slot means "no handled exception". */
    PyErr_SetExcInfo(info.f0, info.f1, info.f2);
}

/* The handled exception (new ref), or NULL if there is none. */
static PyObject *cpy_handled_exception(void) {
    PyObject *type, *value, *tb;
    PyErr_GetExcInfo(&type, &value, &tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    if (value == Py_None) {
        Py_DECREF(value);
        return NULL;
    }
    return value;
}

char CPy_ExceptionMatches(PyObject *type) {
    PyObject *value = cpy_handled_exception();
    if (value == NULL) {
        return 0;
    }
    int r = PyErr_GivenExceptionMatches((PyObject *)Py_TYPE(value), type);
    Py_DECREF(value);
    return r != 0;
}

PyObject *CPy_GetExcValue(void) {
    PyObject *value = cpy_handled_exception();
    if (value == NULL) {
        Py_INCREF(Py_None);
        return Py_None;
    }
    return value;
}
