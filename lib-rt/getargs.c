/*
 * getargs.c: argument parsing for the vectorcall wrappers (CPyPy_...).
 *
 * Owns CPyArg_Parse, which binds positional and keyword arguments to a
 * function's parameters described by a CPyArgParser and collects *args and
 * **kwargs. A call that does not bind raises TypeError with the messages
 * mypyc's parser (derived from CPython's getargs.c "fast" keyword parsing)
 * gives, checked in its order: too many arguments in all, too many
 * positional ones, then parameter by parameter the first missing one, then
 * an argument given by name and position, then an unknown keyword. A
 * method's receiver is not counted in the messages.
 *
 * Parameter names are interned once per parser, so keyword matching is a
 * pointer comparison in the common case. A call is bound in one pass; only
 * a call that does not bind is walked parameter by parameter to find the
 * message.
 */
#include "CPy.h"

static int cpy_parser_total(const CPyArgParser *p) {
    return p->num_pos + p->num_kwonly;
}

/* Fill p->interned with the interned parameter names, once. */
static int cpy_parser_intern(CPyArgParser *p) {
    if (p->interned != NULL) {
        return 0;
    }
    int total = cpy_parser_total(p);
    PyObject **names = PyMem_New(PyObject *, (size_t)(total > 0 ? total : 1));
    if (names == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (int i = 0; i < total; i++) {
        names[i] = PyUnicode_InternFromString(p->names[i]);
        if (names[i] == NULL) {
            while (--i >= 0) {
                Py_DECREF(names[i]);
            }
            PyMem_Free(names);
            return -1;
        }
    }
    p->interned = names;
    return 0;
}

/* Index of the parameter that keyword `key` names, skipping positional-only
 * ones: >= 0 if found, -1 if not, -2 on error. */
static int cpy_find_keyword(const CPyArgParser *p, PyObject *key) {
    int total = cpy_parser_total(p);
    for (int i = p->num_posonly; i < total; i++) {
        if (p->interned[i] == key) {
            return i;
        }
    }
    for (int i = p->num_posonly; i < total; i++) {
        int eq = PyObject_RichCompareBool(key, p->interned[i], Py_EQ);
        if (eq != 0) {
            return eq > 0 ? i : -2;
        }
    }
    return -1;
}

/* ---- error messages -------------------------------------------------- */

/* The value of keyword `key` among the call's keywords, or NULL. */
static PyObject *cpy_keyword_value(PyObject *kwnames, PyObject *const *kwvalues, PyObject *key) {
    Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nkw; k++) {
        if (PyTuple_GET_ITEM(kwnames, k) == key) {
            return kwvalues[k];
        }
    }
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *name = PyTuple_GET_ITEM(kwnames, k);
        if (PyUnicode_Check(name) && PyUnicode_Compare(name, key) == 0) {
            return kwvalues[k];
        }
    }
    return NULL;
}

/* Check that a call binds, raising mypyc's TypeError if not: 0 if it binds,
 * -1 with the error set. */
static int cpy_check_call(const CPyArgParser *p, PyObject *const *args, Py_ssize_t nargs,
                          PyObject *kwnames) {
    /* Parameters from `skip` on are the visible ones (the receiver, when
     * passed, is not counted). */
    int skip = p->receiver && nargs > 0 ? 1 : 0;
    int total = cpy_parser_total(p);
    int len = total - skip;
    int posonly = p->num_posonly > skip ? p->num_posonly - skip : 0;
    int max = p->num_pos - skip;
    int min = p->num_required_pos - skip;
    Py_ssize_t n = nargs - skip;
    Py_ssize_t nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *const *kwvalues = args + nargs;
    PyObject *const *names = p->interned + skip;
    const char *f = p->fname;

    if (n + nkw > len && !p->has_star && !p->has_star2) {
        PyErr_Format(PyExc_TypeError, "%.200s() takes at most %d %sargument%s (%zd given)", f,
                     len, n == 0 ? "keyword " : "", len == 1 ? "" : "s", n + nkw);
        return -1;
    }
    if (n > max && !p->has_star) {
        if (max == 0) {
            PyErr_Format(PyExc_TypeError, "%.200s() takes no positional arguments", f);
        } else {
            PyErr_Format(PyExc_TypeError, "%.200s() takes %s %d positional argument%s (%zd given)",
                         f, min < max ? "at most" : "exactly", max, max == 1 ? "" : "s", n);
        }
        return -1;
    }
    for (Py_ssize_t k = 0; k < nkw; k++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(kwnames, k))) {
            PyErr_Format(PyExc_TypeError, "%.200s() keywords must be strings", f);
            return -1;
        }
    }
    Py_ssize_t kw_left = nkw;
    for (int i = 0; i < len; i++) {
        int present = 0;
        if (i < n && i < max) {
            present = 1;
        } else if (kw_left > 0 && i >= posonly &&
                   cpy_keyword_value(kwnames, kwvalues, names[i]) != NULL) {
            present = 1;
            kw_left--;
        }
        if (present) {
            continue;
        }
        int kwonly = i >= max;
        int required = kwonly ? (p->kwonly_required != NULL &&
                                 p->kwonly_required[i - max])
                              : i < min;
        if (!required) {
            continue;
        }
        if (i < posonly) {
            int least = posonly < min ? posonly : min;
            PyErr_Format(PyExc_TypeError, "%.200s() takes %s %d positional argument%s (%zd given)",
                         f, least < max ? "at least" : "exactly", least, least == 1 ? "" : "s", n);
        } else if (kwonly) {
            PyErr_Format(PyExc_TypeError, "%.200s() missing required keyword-only argument '%U'",
                         f, names[i]);
        } else {
            PyErr_Format(PyExc_TypeError, "%.200s() missing required argument '%U' (pos %d)", f,
                         names[i], i + 1);
        }
        return -1;
    }
    if (nkw == 0) {
        return 0;
    }
    Py_ssize_t bound = n < max ? n : max;
    for (int i = posonly; i < bound; i++) {
        if (cpy_keyword_value(kwnames, kwvalues, names[i]) != NULL) {
            PyErr_Format(PyExc_TypeError,
                         "argument for %.200s() given by name ('%U') and position (%d)", f,
                         names[i], i + 1);
            return -1;
        }
    }
    if (p->has_star2) {
        return 0;
    }
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        int known = 0;
        for (int i = posonly; i < len && !known; i++) {
            known = names[i] == key || PyUnicode_Compare(names[i], key) == 0;
        }
        if (!known) {
            PyErr_Format(PyExc_TypeError, "'%S' is an invalid keyword argument for %.200s()",
                         key, f);
            return -1;
        }
    }
    return 0;
}

/* ---- binding --------------------------------------------------------- */

/* Bind keyword arguments into `out` (or `kwargs`) of a call that
 * cpy_check_call accepted; 0 on success, -1 with the error set. */
static int cpy_bind_keywords(const CPyArgParser *p, PyObject *const *values,
                             PyObject *kwnames, PyObject **out, PyObject *kwargs) {
    Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        int i = cpy_find_keyword(p, key);
        if (i == -2) {
            return -1;
        }
        if (i >= 0 && out[i] == NULL) {
            out[i] = values[k];
            continue;
        }
        if (kwargs == NULL) {
            /* Unreachable after cpy_check_call; never bind wrongly. */
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%S'",
                         p->fname, key);
            return -1;
        }
        if (PyDict_SetItem(kwargs, key, values[k]) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Bind a call in one pass when it binds: positional arguments in order,
 * then each keyword to its parameter (by pointer, else by string value).
 * 1: bound (`*kwargs_out` holds the extra keywords when the function takes
 * **kwargs); 0: the call does not bind (nothing set: the caller reports
 * it as mypyc does); -1: error. */
static int cpy_try_bind(const CPyArgParser *p, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames, PyObject **out, PyObject **kwargs_out) {
    int total = cpy_parser_total(p);
    if (nargs > p->num_pos && !p->has_star) {
        return 0;
    }
    Py_ssize_t npos = nargs < p->num_pos ? nargs : p->num_pos;
    Py_ssize_t i = 0;
    for (; i < npos; i++) {
        out[i] = args[i];
    }
    for (; i < total; i++) {
        out[i] = NULL;
    }
    Py_ssize_t nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
    PyObject *const *kwvalues = args + nargs;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        if (!PyUnicode_Check(key)) {
            return 0;
        }
        int found = -1;
        for (int j = p->num_posonly; j < total && found < 0; j++) {
            if (p->interned[j] == key) {
                found = j;
            }
        }
        for (int j = p->num_posonly; j < total && found < 0; j++) {
            if (PyUnicode_Compare(p->interned[j], key) == 0) {
                found = j;
            }
        }
        if (found >= 0) {
            if (out[found] != NULL) {
                return 0;
            }
            out[found] = kwvalues[k];
            continue;
        }
        if (!p->has_star2) {
            return 0;
        }
        if (*kwargs_out == NULL && (*kwargs_out = PyDict_New()) == NULL) {
            return -1;
        }
        if (PyDict_SetItem(*kwargs_out, key, kwvalues[k]) < 0) {
            return -1;
        }
    }
    for (int j = 0; j < p->num_required_pos; j++) {
        if (out[j] == NULL) {
            return 0;
        }
    }
    for (int j = p->num_pos; j < total; j++) {
        if (out[j] == NULL && p->kwonly_required != NULL && p->kwonly_required[j - p->num_pos]) {
            return 0;
        }
    }
    return 1;
}

int CPyArg_Parse(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                 CPyArgParser *parser, PyObject **out) {
    const CPyArgParser *p = parser;
    nargs = PyVectorcall_NARGS(nargs);
    int total = cpy_parser_total(p);
    PyObject *star = NULL;
    PyObject *kwargs = NULL;

    /* The common call: positional arguments only, as many as the function
     * takes (or fewer, down to the required ones), no *args, **kwargs or
     * keyword-only parameters. Nothing can fail. */
    if ((kwnames == NULL || PyTuple_GET_SIZE(kwnames) == 0) && total == p->num_pos &&
        !p->has_star && !p->has_star2 && nargs >= p->num_required_pos && nargs <= p->num_pos) {
        Py_ssize_t i = 0;
        for (; i < nargs; i++) {
            out[i] = args[i];
        }
        for (; i < total; i++) {
            out[i] = NULL;
        }
        return 1;
    }
    if (cpy_parser_intern(parser) < 0) {
        return 0;
    }
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) == 0) {
        kwnames = NULL;
    }
    int bound = cpy_try_bind(p, args, nargs, kwnames, out, &kwargs);
    if (bound < 0) {
        goto fail;
    }
    if (bound == 0) {
        /* Say why, as mypyc does; should the check accept the call after
         * all, bind it parameter by parameter. */
        Py_CLEAR(kwargs);
        if (cpy_check_call(p, args, nargs, kwnames) < 0) {
            return 0;
        }
        for (int i = 0; i < total; i++) {
            out[i] = NULL;
        }
        Py_ssize_t npos = nargs < p->num_pos ? nargs : p->num_pos;
        for (Py_ssize_t i = 0; i < npos; i++) {
            out[i] = args[i];
        }
        if (p->has_star2 && (kwargs = PyDict_New()) == NULL) {
            goto fail;
        }
        if (kwnames != NULL && cpy_bind_keywords(p, args + nargs, kwnames, out, kwargs) < 0) {
            goto fail;
        }
    }
    if (p->has_star2 && kwargs == NULL && (kwargs = PyDict_New()) == NULL) {
        goto fail;
    }
    if (p->has_star) {
        Py_ssize_t npos = nargs < p->num_pos ? nargs : p->num_pos;
        star = PyTuple_New(nargs - npos);
        if (star == NULL) {
            goto fail;
        }
        for (Py_ssize_t i = npos; i < nargs; i++) {
            Py_INCREF(args[i]);
            PyTuple_SET_ITEM(star, i - npos, args[i]);
        }
    }
    if (p->has_star) {
        out[total] = star;
    }
    if (p->has_star2) {
        out[total + (p->has_star ? 1 : 0)] = kwargs;
    }
    return 1;

fail:
    Py_XDECREF(star);
    Py_XDECREF(kwargs);
    return 0;
}
