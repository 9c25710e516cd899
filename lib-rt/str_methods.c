/*
 * str_methods.c: methods of str with a C implementation.
 *
 * Exact str receivers use the concrete Unicode API, which is what the
 * methods themselves call (PyUnicode_Split, PyUnicode_Find, ...), or a loop
 * written here with the same character predicates (Py_UNICODE_ISSPACE,
 * ...). Receivers that are str subclasses call the method itself, which
 * they may override. Integer arguments that the methods take as a C
 * ssize_t raise OverflowError beyond it, as the methods do; slice bounds
 * (find's start and end) saturate as slice indexes do.
 */
#include "CPy.h"

/* Convert a tagged argument that a method takes as Py_ssize_t; -1 with an
 * exception set (check PyErr_Occurred) on overflow. */
static Py_ssize_t cpy_ssize_arg(CPyTagged x) {
    if (CPY_LIKELY(CPyTagged_CheckShort(x))) {
        return CPyTagged_ShortAsSsize_t(x);
    }
    return PyLong_AsSsize_t(CPyTagged_LongAsObject(x));
}

/* The result of a str method called on a subclass, which must be a str. */
static PyObject *cpy_str_result(PyObject *r) {
    if (r != NULL && !PyUnicode_Check(r)) {
        CPy_TypeError("str", r);
        Py_DECREF(r);
        return NULL;
    }
    return r;
}

/* The result of a method called on a subclass as a bool/2. */
static char cpy_bool_result(PyObject *r) {
    if (r == NULL) {
        return 2;
    }
    char b = CPyObject_IsTrue(r);
    Py_DECREF(r);
    return b;
}

/* The result of a method called on a subclass as a tagged int. */
static CPyTagged cpy_tagged_result(PyObject *r) {
    if (r == NULL) {
        return CPY_INT_TAG;
    }
    if (!PyLong_Check(r)) {
        CPy_TypeError("int", r);
        Py_DECREF(r);
        return CPY_INT_TAG;
    }
    return CPyTagged_StealFromObject(r);
}

int CPyStr_Contains(PyObject *s, PyObject *sub) {
    if (CPY_LIKELY(PyUnicode_CheckExact(s))) {
        return PyUnicode_Contains(s, sub);
    }
    return PySequence_Contains(s, sub);
}

/* ---- prefixes and suffixes ---- */

static char cpy_tailmatch(PyObject *s, PyObject *sub, const char *name, int direction) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_bool_result(CPy_CallMethodName(s, name, 1, sub));
    }
    Py_ssize_t r = PyUnicode_Tailmatch(s, sub, 0, PY_SSIZE_T_MAX, direction);
    return r < 0 ? 2 : (char)r;
}

char CPyStr_Startswith(PyObject *s, PyObject *prefix) {
    return cpy_tailmatch(s, prefix, "startswith", -1);
}

char CPyStr_Endswith(PyObject *s, PyObject *suffix) {
    return cpy_tailmatch(s, suffix, "endswith", 1);
}

/* startswith/endswith with a tuple: any item matches. Items that are not
 * str are left to the method (for its TypeError). */
static char cpy_tailmatch_tuple(PyObject *s, PyObject *subs, const char *name, int direction) {
    int simple = PyUnicode_CheckExact(s) && PyTuple_CheckExact(subs);
    for (Py_ssize_t i = 0; simple && i < PyTuple_GET_SIZE(subs); i++) {
        simple = PyUnicode_Check(PyTuple_GET_ITEM(subs, i));
    }
    if (!simple) {
        return cpy_bool_result(CPy_CallMethodName(s, name, 1, subs));
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(subs); i++) {
        Py_ssize_t r = PyUnicode_Tailmatch(s, PyTuple_GET_ITEM(subs, i), 0, PY_SSIZE_T_MAX,
                                           direction);
        if (r != 0) {
            return r < 0 ? 2 : 1;
        }
    }
    return 0;
}

char CPyStr_StartswithTuple(PyObject *s, PyObject *prefixes) {
    return cpy_tailmatch_tuple(s, prefixes, "startswith", -1);
}

char CPyStr_EndswithTuple(PyObject *s, PyObject *suffixes) {
    return cpy_tailmatch_tuple(s, suffixes, "endswith", 1);
}

PyObject *CPyStr_Removeprefix(PyObject *s, PyObject *prefix) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_str_result(CPy_CallMethodName(s, "removeprefix", 1, prefix));
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    Py_ssize_t r = PyUnicode_Tailmatch(s, prefix, 0, PY_SSIZE_T_MAX, -1);
    if (r < 0) {
        return NULL;
    }
    return PyUnicode_Substring(s, r ? PyUnicode_GET_LENGTH(prefix) : 0, n);
}

PyObject *CPyStr_Removesuffix(PyObject *s, PyObject *suffix) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_str_result(CPy_CallMethodName(s, "removesuffix", 1, suffix));
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    Py_ssize_t r = PyUnicode_Tailmatch(s, suffix, 0, PY_SSIZE_T_MAX, 1);
    if (r < 0) {
        return NULL;
    }
    /* An empty suffix removes nothing. */
    Py_ssize_t m = PyUnicode_GET_LENGTH(suffix);
    return PyUnicode_Substring(s, 0, r && m > 0 ? n - m : n);
}

/* ---- searching ---- */

/* s.find(sub, start, end) in direction 1 or -1: the index or -1, or -2
 * on error. */
static Py_ssize_t cpy_find(PyObject *s, PyObject *sub, Py_ssize_t start, Py_ssize_t end,
                           int direction) {
    return PyUnicode_Find(s, sub, start, end, direction);
}

static CPyTagged cpy_find_result(Py_ssize_t r) {
    if (r == -2) {
        return CPY_INT_TAG;
    }
    return CPyTagged_FromSsize_t(r);
}

CPyTagged CPyStr_Find(PyObject *s, PyObject *sub) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_tagged_result(CPy_CallMethodName(s, "find", 1, sub));
    }
    return cpy_find_result(cpy_find(s, sub, 0, PY_SSIZE_T_MAX, 1));
}

CPyTagged CPyStr_FindFrom(PyObject *s, PyObject *sub, CPyTagged start) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        PyObject *b = CPyTagged_AsObject(start);
        if (b == NULL) {
            return CPY_INT_TAG;
        }
        PyObject *r = CPy_CallMethodName(s, "find", 2, sub, b);
        Py_DECREF(b);
        return cpy_tagged_result(r);
    }
    return cpy_find_result(cpy_find(s, sub, CPyTagged_AsSliceIndex(start), PY_SSIZE_T_MAX, 1));
}

CPyTagged CPyStr_FindRange(PyObject *s, PyObject *sub, CPyTagged start, CPyTagged end) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        PyObject *b = CPyTagged_AsObject(start);
        if (b == NULL) {
            return CPY_INT_TAG;
        }
        PyObject *e = CPyTagged_AsObject(end);
        if (e == NULL) {
            Py_DECREF(b);
            return CPY_INT_TAG;
        }
        PyObject *r = CPy_CallMethodName(s, "find", 3, sub, b, e);
        Py_DECREF(b);
        Py_DECREF(e);
        return cpy_tagged_result(r);
    }
    return cpy_find_result(cpy_find(s, sub, CPyTagged_AsSliceIndex(start),
                                    CPyTagged_AsSliceIndex(end), 1));
}

CPyTagged CPyStr_RFind(PyObject *s, PyObject *sub) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_tagged_result(CPy_CallMethodName(s, "rfind", 1, sub));
    }
    return cpy_find_result(cpy_find(s, sub, 0, PY_SSIZE_T_MAX, -1));
}

static CPyTagged cpy_index(PyObject *s, PyObject *sub, const char *name, int direction) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_tagged_result(CPy_CallMethodName(s, name, 1, sub));
    }
    Py_ssize_t r = cpy_find(s, sub, 0, PY_SSIZE_T_MAX, direction);
    if (r == -1) {
        PyErr_SetString(PyExc_ValueError, "substring not found");
        return CPY_INT_TAG;
    }
    return cpy_find_result(r);
}

CPyTagged CPyStr_Index(PyObject *s, PyObject *sub) {
    return cpy_index(s, sub, "index", 1);
}

CPyTagged CPyStr_RIndex(PyObject *s, PyObject *sub) {
    return cpy_index(s, sub, "rindex", -1);
}

CPyTagged CPyStr_Count(PyObject *s, PyObject *sub) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_tagged_result(CPy_CallMethodName(s, "count", 1, sub));
    }
    Py_ssize_t r = PyUnicode_Count(s, sub, 0, PY_SSIZE_T_MAX);
    if (r < 0) {
        return CPY_INT_TAG;
    }
    return CPyTagged_FromSsize_t(r);
}

/* ---- splitting ---- */

/* A list result of a method called on a subclass. */
static PyObject *cpy_list_result(PyObject *r) {
    if (r != NULL && !PyList_Check(r)) {
        CPy_TypeError("list", r);
        Py_DECREF(r);
        return NULL;
    }
    return r;
}

static PyObject *cpy_split(PyObject *s, PyObject *sep, CPyTagged maxsplit, int has_max,
                           const char *name, int right) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        if (!has_max) {
            if (sep == NULL) {
                return cpy_list_result(CPy_CallMethodName(s, name, 0));
            }
            return cpy_list_result(CPy_CallMethodName(s, name, 1, sep));
        }
        PyObject *m = CPyTagged_AsObject(maxsplit);
        if (m == NULL) {
            return NULL;
        }
        PyObject *r = CPy_CallMethodName(s, name, 2, sep, m);
        Py_DECREF(m);
        return cpy_list_result(r);
    }
    Py_ssize_t max = -1;
    if (has_max) {
        max = cpy_ssize_arg(maxsplit);
        if (max == -1 && PyErr_Occurred()) {
            return NULL;
        }
    }
    return right ? PyUnicode_RSplit(s, sep, max) : PyUnicode_Split(s, sep, max);
}

PyObject *CPyStr_Split(PyObject *s) {
    return cpy_split(s, NULL, 0, 0, "split", 0);
}

PyObject *CPyStr_SplitSep(PyObject *s, PyObject *sep) {
    return cpy_split(s, sep, 0, 0, "split", 0);
}

PyObject *CPyStr_SplitMax(PyObject *s, PyObject *sep, CPyTagged maxsplit) {
    return cpy_split(s, sep, maxsplit, 1, "split", 0);
}

PyObject *CPyStr_RSplit(PyObject *s) {
    return cpy_split(s, NULL, 0, 0, "rsplit", 1);
}

PyObject *CPyStr_RSplitSep(PyObject *s, PyObject *sep) {
    return cpy_split(s, sep, 0, 0, "rsplit", 1);
}

PyObject *CPyStr_RSplitMax(PyObject *s, PyObject *sep, CPyTagged maxsplit) {
    return cpy_split(s, sep, maxsplit, 1, "rsplit", 1);
}

PyObject *CPyStr_Splitlines(PyObject *s) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_list_result(CPy_CallMethodName(s, "splitlines", 0));
    }
    return PyUnicode_Splitlines(s, 0);
}

/* ---- stripping ---- */

#define CPY_STRIP_LEFT 1
#define CPY_STRIP_RIGHT 2

/* Strip whitespace (chars NULL) or the characters of `chars` from the
 * sides `how` of s, as str.strip does: a substring, which is s itself
 * when nothing is stripped. */
static PyObject *cpy_strip(PyObject *s, PyObject *chars, int how, const char *name) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        if (chars == NULL) {
            return cpy_str_result(CPy_CallMethodName(s, name, 0));
        }
        return cpy_str_result(CPy_CallMethodName(s, name, 1, chars));
    }
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    Py_ssize_t nchars = chars == NULL ? 0 : PyUnicode_GET_LENGTH(chars);
#define CPY_STRIPPED(ch)                                                          \
    (chars == NULL ? Py_UNICODE_ISSPACE(ch)                                       \
                   : PyUnicode_FindChar(chars, (ch), 0, nchars, 1) >= 0)
    Py_ssize_t i = 0;
    if (how & CPY_STRIP_LEFT) {
        while (i < n && CPY_STRIPPED(PyUnicode_READ(kind, data, i))) {
            i++;
        }
    }
    Py_ssize_t j = n;
    if (how & CPY_STRIP_RIGHT) {
        while (j > i && CPY_STRIPPED(PyUnicode_READ(kind, data, j - 1))) {
            j--;
        }
    }
#undef CPY_STRIPPED
    return PyUnicode_Substring(s, i, j);
}

PyObject *CPyStr_Strip(PyObject *s) {
    return cpy_strip(s, NULL, CPY_STRIP_LEFT | CPY_STRIP_RIGHT, "strip");
}

PyObject *CPyStr_LStrip(PyObject *s) {
    return cpy_strip(s, NULL, CPY_STRIP_LEFT, "lstrip");
}

PyObject *CPyStr_RStrip(PyObject *s) {
    return cpy_strip(s, NULL, CPY_STRIP_RIGHT, "rstrip");
}

PyObject *CPyStr_StripChars(PyObject *s, PyObject *chars) {
    return cpy_strip(s, chars, CPY_STRIP_LEFT | CPY_STRIP_RIGHT, "strip");
}

PyObject *CPyStr_LStripChars(PyObject *s, PyObject *chars) {
    return cpy_strip(s, chars, CPY_STRIP_LEFT, "lstrip");
}

PyObject *CPyStr_RStripChars(PyObject *s, PyObject *chars) {
    return cpy_strip(s, chars, CPY_STRIP_RIGHT, "rstrip");
}

/* ---- replacing and case ---- */

PyObject *CPyStr_Replace(PyObject *s, PyObject *old, PyObject *new_) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_str_result(CPy_CallMethodName(s, "replace", 2, old, new_));
    }
    return PyUnicode_Replace(s, old, new_, -1);
}

PyObject *CPyStr_ReplaceCount(PyObject *s, PyObject *old, PyObject *new_, CPyTagged count) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        PyObject *c = CPyTagged_AsObject(count);
        if (c == NULL) {
            return NULL;
        }
        PyObject *r = CPy_CallMethodName(s, "replace", 3, old, new_, c);
        Py_DECREF(c);
        return cpy_str_result(r);
    }
    Py_ssize_t n = cpy_ssize_arg(count);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return PyUnicode_Replace(s, old, new_, n);
}

/* upper()/lower() of an ASCII str by table; others by the method (full
 * Unicode case mapping, which may change the length). */
static PyObject *cpy_ascii_case(PyObject *s, int upper) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s) || !PyUnicode_IS_ASCII(s))) {
        return cpy_str_result(CPy_CallMethodName(s, upper ? "upper" : "lower", 0));
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    PyObject *r = PyUnicode_New(n, 127);
    if (r == NULL) {
        return NULL;
    }
    const Py_UCS1 *src = PyUnicode_1BYTE_DATA(s);
    Py_UCS1 *dst = PyUnicode_1BYTE_DATA(r);
    for (Py_ssize_t i = 0; i < n; i++) {
        dst[i] = (Py_UCS1)(upper ? Py_TOUPPER(src[i]) : Py_TOLOWER(src[i]));
    }
    return r;
}

PyObject *CPyStr_Upper(PyObject *s) {
    return cpy_ascii_case(s, 1);
}

PyObject *CPyStr_Lower(PyObject *s) {
    return cpy_ascii_case(s, 0);
}

/* ---- character classes ---- */

enum cpy_char_class {
    CPY_DIGIT,
    CPY_ALPHA,
    CPY_ALNUM,
    CPY_SPACE,
    CPY_DECIMAL,
    CPY_NUMERIC,
};

static int cpy_char_in_class(Py_UCS4 ch, enum cpy_char_class c) {
    switch (c) {
    case CPY_DIGIT:
        return Py_UNICODE_ISDIGIT(ch);
    case CPY_ALPHA:
        return Py_UNICODE_ISALPHA(ch);
    case CPY_ALNUM:
        return Py_UNICODE_ISALNUM(ch);
    case CPY_SPACE:
        return Py_UNICODE_ISSPACE(ch);
    case CPY_DECIMAL:
        return Py_UNICODE_ISDECIMAL(ch);
    case CPY_NUMERIC:
        return Py_UNICODE_ISNUMERIC(ch);
    }
    return 0;
}

/* isdigit() and friends: non-empty, and every character in the class. */
static char cpy_is_class(PyObject *s, enum cpy_char_class c, const char *name) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_bool_result(CPy_CallMethodName(s, name, 0));
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (n == 0) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!cpy_char_in_class(PyUnicode_READ(kind, data, i), c)) {
            return 0;
        }
    }
    return 1;
}

char CPyStr_IsDigit(PyObject *s) {
    return cpy_is_class(s, CPY_DIGIT, "isdigit");
}

char CPyStr_IsAlpha(PyObject *s) {
    return cpy_is_class(s, CPY_ALPHA, "isalpha");
}

char CPyStr_IsAlnum(PyObject *s) {
    return cpy_is_class(s, CPY_ALNUM, "isalnum");
}

char CPyStr_IsSpace(PyObject *s) {
    return cpy_is_class(s, CPY_SPACE, "isspace");
}

char CPyStr_IsDecimal(PyObject *s) {
    return cpy_is_class(s, CPY_DECIMAL, "isdecimal");
}

char CPyStr_IsNumeric(PyObject *s) {
    return cpy_is_class(s, CPY_NUMERIC, "isnumeric");
}

/* isupper()/islower(): at least one cased character, and no cased
 * character of the other case (titlecase counts as the other case). */
static char cpy_is_case(PyObject *s, int upper) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_bool_result(CPy_CallMethodName(s, upper ? "isupper" : "islower", 0));
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    int cased = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        int same = upper ? Py_UNICODE_ISUPPER(ch) : Py_UNICODE_ISLOWER(ch);
        int other = upper ? Py_UNICODE_ISLOWER(ch) : Py_UNICODE_ISUPPER(ch);
        if (other || Py_UNICODE_ISTITLE(ch)) {
            return 0;
        }
        if (same) {
            cased = 1;
        }
    }
    return (char)cased;
}

char CPyStr_IsUpper(PyObject *s) {
    return cpy_is_case(s, 1);
}

char CPyStr_IsLower(PyObject *s) {
    return cpy_is_case(s, 0);
}

char CPyStr_IsAscii(PyObject *s) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_bool_result(CPy_CallMethodName(s, "isascii", 0));
    }
    return PyUnicode_IS_ASCII(s) ? 1 : 0;
}

/* ---- encoding ---- */

/* A str argument as a C string, rejecting embedded NULs as the methods'
 * argument parsing does. */
static const char *cpy_c_string(PyObject *o) {
    Py_ssize_t n;
    const char *c = PyUnicode_AsUTF8AndSize(o, &n);
    if (c != NULL && strlen(c) != (size_t)n) {
        PyErr_SetString(PyExc_ValueError, "embedded null character");
        return NULL;
    }
    return c;
}

static PyObject *cpy_bytes_result(PyObject *r) {
    if (r != NULL && !PyBytes_Check(r)) {
        CPy_TypeError("bytes", r);
        Py_DECREF(r);
        return NULL;
    }
    return r;
}

PyObject *CPyStr_Encode(PyObject *s) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_bytes_result(CPy_CallMethodName(s, "encode", 0));
    }
    return PyUnicode_AsUTF8String(s);
}

PyObject *CPyStr_EncodeWith(PyObject *s, PyObject *encoding) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_bytes_result(CPy_CallMethodName(s, "encode", 1, encoding));
    }
    const char *enc = cpy_c_string(encoding);
    if (enc == NULL) {
        return NULL;
    }
    return PyUnicode_AsEncodedString(s, enc, NULL);
}

PyObject *CPyStr_EncodeWithErrors(PyObject *s, PyObject *encoding, PyObject *errors) {
    if (CPY_UNLIKELY(!PyUnicode_CheckExact(s))) {
        return cpy_bytes_result(CPy_CallMethodName(s, "encode", 2, encoding, errors));
    }
    const char *enc = cpy_c_string(encoding);
    if (enc == NULL) {
        return NULL;
    }
    const char *err = cpy_c_string(errors);
    if (err == NULL) {
        return NULL;
    }
    return PyUnicode_AsEncodedString(s, enc, err);
}
