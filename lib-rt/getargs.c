/*
 * getargs.c: argument parsing for the vectorcall wrappers (CPyPy_...).
 *
 * Owns CPyArg_Parse, which binds positional and keyword arguments to a
 * function's parameters described by a CPyArgParser, collects *args and
 * **kwargs, and reports binding errors as mypyc's wrappers do: too many
 * arguments in all ("f() takes at most 1 argument (2 given)") first, then
 * a keyword naming a parameter given by position, then too many
 * positionals (with **kwargs), then the first missing positional argument
 * ("f() missing required argument 'x' (pos 1)"), missing keyword-only
 * arguments, and last an unexpected keyword. Counts and positions leave
 * out a method's receiver.
 *
 * Parameter names are interned once per parser, so keyword matching is a
 * pointer comparison in the common case.
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

/* "'a'", "'a' and 'b'", "'a', 'b', and 'c'" from a list of reprs. */
static PyObject *cpy_join_names(PyObject *reprs) {
    Py_ssize_t n = PyList_GET_SIZE(reprs);
    if (n == 1) {
        PyObject *only = PyList_GET_ITEM(reprs, 0);
        Py_INCREF(only);
        return only;
    }
    PyObject *last = PyList_GET_ITEM(reprs, n - 1);
    PyObject *before = PyList_GET_ITEM(reprs, n - 2);
    if (n == 2) {
        return PyUnicode_FromFormat("%U and %U", before, last);
    }
    PyObject *head = PyList_GetSlice(reprs, 0, n - 2);
    if (head == NULL) {
        return NULL;
    }
    PyObject *sep = PyUnicode_FromString(", ");
    PyObject *joined = sep == NULL ? NULL : PyUnicode_Join(sep, head);
    Py_XDECREF(sep);
    Py_DECREF(head);
    if (joined == NULL) {
        return NULL;
    }
    PyObject *r = PyUnicode_FromFormat("%U, %U, and %U", joined, before, last);
    Py_DECREF(joined);
    return r;
}

/* "f() missing 2 required positional arguments: 'a' and 'b'" for the unset
 * parameters among [start, end) (those with required[i - start] set, if
 * `required` is given). */
static void cpy_missing_arguments(const CPyArgParser *p, PyObject **out, int start,
                                  int end, const char *required, const char *kind) {
    PyObject *reprs = PyList_New(0);
    if (reprs == NULL) {
        return;
    }
    for (int i = start; i < end; i++) {
        if (out[i] != NULL || (required != NULL && !required[i - start])) {
            continue;
        }
        PyObject *r = PyObject_Repr(p->interned[i]);
        if (r == NULL || PyList_Append(reprs, r) < 0) {
            Py_XDECREF(r);
            Py_DECREF(reprs);
            return;
        }
        Py_DECREF(r);
    }
    Py_ssize_t n = PyList_GET_SIZE(reprs);
    PyObject *names = cpy_join_names(reprs);
    Py_DECREF(reprs);
    if (names == NULL) {
        return;
    }
    PyErr_Format(PyExc_TypeError, "%s() missing %zd required %s argument%s: %U",
                 p->fname, n, kind, n == 1 ? "" : "s", names);
    Py_DECREF(names);
}

static void cpy_too_many_positional(const CPyArgParser *p, PyObject **out,
                                    Py_ssize_t given) {
    Py_ssize_t kwonly_given = 0;
    for (int i = p->num_pos; i < cpy_parser_total(p); i++) {
        kwonly_given += out[i] != NULL;
    }
    char sig[64];
    int plural;
    if (p->num_required_pos < p->num_pos) {
        PyOS_snprintf(sig, sizeof(sig), "from %d to %d", p->num_required_pos, p->num_pos);
        plural = 1;
    } else {
        PyOS_snprintf(sig, sizeof(sig), "%d", p->num_pos);
        plural = p->num_pos != 1;
    }
    char kwonly_sig[96] = "";
    if (kwonly_given > 0) {
        PyOS_snprintf(kwonly_sig, sizeof(kwonly_sig),
                      " positional argument%s (and %zd keyword-only argument%s)",
                      given != 1 ? "s" : "", kwonly_given, kwonly_given != 1 ? "s" : "");
    }
    PyErr_Format(PyExc_TypeError, "%s() takes %s positional argument%s but %zd%s %s given",
                 p->fname, sig, plural ? "s" : "", given, kwonly_sig,
                 given == 1 && kwonly_given == 0 ? "was" : "were");
}

/* "f() got some positional-only arguments passed as keyword arguments: 'a, b'";
 * returns 1 if raised, 0 if no keyword names a positional-only parameter,
 * -1 on error. */
static int cpy_posonly_as_keyword(const CPyArgParser *p, PyObject *kwnames) {
    PyObject *hits = PyList_New(0);
    if (hits == NULL) {
        return -1;
    }
    Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    for (int i = 0; i < p->num_posonly; i++) {
        for (Py_ssize_t k = 0; k < nkw; k++) {
            PyObject *key = PyTuple_GET_ITEM(kwnames, k);
            int eq = key == p->interned[i] ? 1
                                           : PyObject_RichCompareBool(key, p->interned[i], Py_EQ);
            if (eq < 0 || (eq > 0 && PyList_Append(hits, p->interned[i]) < 0)) {
                Py_DECREF(hits);
                return -1;
            }
        }
    }
    if (PyList_GET_SIZE(hits) == 0) {
        Py_DECREF(hits);
        return 0;
    }
    PyObject *sep = PyUnicode_FromString(", ");
    PyObject *joined = sep == NULL ? NULL : PyUnicode_Join(sep, hits);
    Py_XDECREF(sep);
    Py_DECREF(hits);
    if (joined == NULL) {
        return -1;
    }
    PyErr_Format(PyExc_TypeError,
                 "%s() got some positional-only arguments passed as keyword arguments: '%U'",
                 p->fname, joined);
    Py_DECREF(joined);
    return 1;
}

/* ---- binding --------------------------------------------------------- */

/* Bind keyword arguments into `out` (or `kwargs`); 0 on success, -1 with
 * the error set. A keyword naming no parameter (without **kwargs) is left
 * in `*unexpected` (borrowed), the first one only. */
static int cpy_bind_keywords(const CPyArgParser *p, PyObject *const *values,
                             PyObject *kwnames, PyObject **out, PyObject *kwargs,
                             PyObject **unexpected) {
    Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        if (!PyUnicode_Check(key)) {
            PyErr_Format(PyExc_TypeError, "%s() keywords must be strings", p->fname);
            return -1;
        }
        int i = cpy_find_keyword(p, key);
        if (i == -2) {
            return -1;
        }
        if (i >= 0) {
            if (out[i] != NULL) {
                PyErr_Format(PyExc_TypeError,
                             "argument for %s() given by name ('%S') and position (%d)", p->fname,
                             key, i + 1 - p->receiver);
                return -1;
            }
            out[i] = values[k];
            continue;
        }
        if (kwargs != NULL) {
            if (PyDict_SetItem(kwargs, key, values[k]) < 0) {
                return -1;
            }
            continue;
        }
        if (*unexpected == NULL) {
            *unexpected = key;
        }
    }
    return 0;
}

/* The error for a keyword that names no parameter. */
static void cpy_unexpected_keyword(const CPyArgParser *p, PyObject *kwnames, PyObject *key) {
    if (p->num_posonly > 0 && cpy_posonly_as_keyword(p, kwnames) != 0) {
        return;
    }
    PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%S'", p->fname, key);
}

/* Check that every required parameter got a value; 0 or -1 with the error. */
static int cpy_check_missing(const CPyArgParser *p, PyObject **out, Py_ssize_t nargs) {
    for (Py_ssize_t i = nargs; i < p->num_required_pos; i++) {
        if (out[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (pos %d)",
                         p->fname, p->names[i], (int)i + 1 - p->receiver);
            return -1;
        }
    }
    if (p->kwonly_required == NULL) {
        return 0;
    }
    for (int i = 0; i < p->num_kwonly; i++) {
        if (p->kwonly_required[i] && out[p->num_pos + i] == NULL) {
            cpy_missing_arguments(p, out, p->num_pos, cpy_parser_total(p),
                                  p->kwonly_required, "keyword-only");
            return -1;
        }
    }
    return 0;
}

int CPyArg_Parse(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                 CPyArgParser *parser, PyObject **out) {
    const CPyArgParser *p = parser;
    nargs = PyVectorcall_NARGS(nargs);
    int total = cpy_parser_total(p);
    PyObject *star = NULL;
    PyObject *kwargs = NULL;

    if (cpy_parser_intern(parser) < 0) {
        return 0;
    }
    for (int i = 0; i < total; i++) {
        out[i] = NULL;
    }
    Py_ssize_t npos = nargs < p->num_pos ? nargs : p->num_pos;
    for (Py_ssize_t i = 0; i < npos; i++) {
        out[i] = args[i];
    }
    if (p->has_star) {
        star = PyTuple_New(nargs - npos);
        if (star == NULL) {
            goto fail;
        }
        for (Py_ssize_t i = npos; i < nargs; i++) {
            Py_INCREF(args[i]);
            PyTuple_SET_ITEM(star, i - npos, args[i]);
        }
    }
    if (p->has_star2) {
        kwargs = PyDict_New();
        if (kwargs == NULL) {
            goto fail;
        }
    }
    Py_ssize_t nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
    if (!p->has_star && !p->has_star2 && nargs + nkw > total) {
        Py_ssize_t npos_given = nargs > p->receiver ? nargs - p->receiver : 0;
        int len = total - p->receiver;
        PyErr_Format(PyExc_TypeError, "%s() takes at most %d %sargument%s (%zd given)", p->fname,
                     len, npos_given == 0 ? "keyword " : "", len == 1 ? "" : "s",
                     npos_given + nkw);
        goto fail;
    }
    PyObject *unexpected = NULL;
    if (nkw > 0 && cpy_bind_keywords(p, args + nargs, kwnames, out, kwargs, &unexpected) < 0) {
        goto fail;
    }
    if (nargs > p->num_pos && !p->has_star) {
        cpy_too_many_positional(p, out, nargs);
        goto fail;
    }
    if (cpy_check_missing(p, out, nargs) < 0) {
        goto fail;
    }
    if (unexpected != NULL) {
        cpy_unexpected_keyword(p, kwnames, unexpected);
        goto fail;
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
