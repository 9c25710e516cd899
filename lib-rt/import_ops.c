/*
 * import_ops.c: module globals, builtins and imports.
 *
 * Owns name lookup in a module's globals with fallback to `builtins`
 * (NameError otherwise), global assignment, and the three import forms
 * generated code uses: `import a.b.c` (binds the top-level package),
 * `import a.b.c as x` (binds the leaf module), `from m import name` and
 * `from m import *`.
 *
 * Global state: a cached reference to the `builtins` module and the
 * library's compiled modules by name (an import of one whose sys.modules
 * entry was replaced fails, as in mypyc).
 */
#include "CPy.h"

static PyObject *cpy_builtins_module;

PyObject *CPy_GetBuiltins(void) {
    if (cpy_builtins_module == NULL) {
        cpy_builtins_module = PyImport_ImportModule("builtins");
    }
    return cpy_builtins_module;
}

PyObject *CPyGlobals_Get(PyObject *globals, PyObject *name) {
    PyObject *v;
    if (PyDict_CheckExact(globals)) {
        v = PyDict_GetItemWithError(globals, name);
        if (v != NULL) {
            Py_INCREF(v);
            return v;
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    } else {
        v = PyObject_GetItem(globals, name);
        if (v != NULL) {
            return v;
        }
        if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
            return NULL;
        }
        PyErr_Clear();
    }
    PyObject *builtins = CPy_GetBuiltins();
    if (builtins == NULL) {
        return NULL;
    }
    v = PyDict_GetItemWithError(PyModule_GetDict(builtins), name);
    if (v != NULL) {
        Py_INCREF(v);
        return v;
    }
    if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_NameError, "name '%U' is not defined", name);
    }
    return NULL;
}

PyObject *CPy_BuiltinsDict;

PyObject *CPyGlobals_GetSlow(PyObject *globals, PyObject *name, CPyGlobalsCache *cache) {
    cache->globals = NULL;
    if (!PyDict_CheckExact(globals)) {
        return CPyGlobals_Get(globals, name);
    }
    PyObject *v = PyDict_GetItemWithError(globals, name);
    uint64_t builtins_version = 0;
    if (v == NULL) {
        if (PyErr_Occurred()) {
            return NULL;
        }
        PyObject *builtins = CPy_GetBuiltins();
        if (builtins == NULL) {
            return NULL;
        }
        CPy_BuiltinsDict = PyModule_GetDict(builtins);
        v = PyDict_GetItemWithError(CPy_BuiltinsDict, name);
        if (v == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_NameError, "name '%U' is not defined", name);
            }
            return NULL;
        }
#ifdef CPY_DICT_VERSIONS
        builtins_version = CPyDict_Version(CPy_BuiltinsDict);
#endif
    }
#ifdef CPY_DICT_VERSIONS
    /* Versions count up from 1, so 0 can mean "found in globals". */
    cache->globals = globals;
    cache->globals_version = CPyDict_Version(globals);
    cache->builtins_version = builtins_version;
    cache->value = v;
#endif
    (void)builtins_version;
    Py_INCREF(v);
    return v;
}

PyObject *CPyGlobals_GetFinal(PyObject *globals, PyObject *name) {
    PyObject *v = PyObject_GetItem(globals, name);
    if (v == NULL && PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        PyErr_Format(PyExc_NameError, "value for final name \"%U\" was not set", name);
    }
    return v;
}

int CPyGlobals_Set(PyObject *globals, PyObject *name, PyObject *value) {
    if (PyDict_CheckExact(globals)) {
        return PyDict_SetItem(globals, name, value);
    }
    return PyObject_SetItem(globals, name, value);
}

int CPyGlobals_Del(PyObject *globals, PyObject *name) {
    if (PyObject_DelItem(globals, name) == 0) {
        return 0;
    }
    if (PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyErr_Clear();
        PyErr_Format(PyExc_NameError, "name '%U' is not defined", name);
    }
    return -1;
}

/* The compiled modules of this library that have been created, by name:
 * importing one of them again must give the same module object (as mypyc:
 * compiled code relies on its statics), not another object put in its place
 * in sys.modules. */
static PyObject *cpy_native_modules;

int CPyImport_RegisterNative(PyObject *module) {
    if (cpy_native_modules == NULL) {
        cpy_native_modules = PyDict_New();
        if (cpy_native_modules == NULL) {
            return -1;
        }
    }
    PyObject *name = PyModule_GetNameObject(module);
    if (name == NULL) {
        return -1;
    }
    int r = PyDict_SetItem(cpy_native_modules, name, module);
    Py_DECREF(name);
    return r;
}

void CPyImport_UnregisterNative(PyObject *module) {
    if (cpy_native_modules == NULL || module == NULL) {
        return;
    }
    PyObject *exc_type, *exc_val, *exc_tb;
    PyErr_Fetch(&exc_type, &exc_val, &exc_tb);
    PyObject *name = PyModule_GetNameObject(module);
    if (name != NULL) {
        if (PyDict_GetItemWithError(cpy_native_modules, name) == module) {
            PyDict_DelItem(cpy_native_modules, name);
        }
        Py_DECREF(name);
    }
    PyErr_Clear();
    PyErr_Restore(exc_type, exc_val, exc_tb);
}

/* 0 unless `fullname` is a compiled module of this library whose entry in
 * sys.modules is no longer its module object (-1 with ImportError). */
static int cpy_check_native(PyObject *fullname) {
    if (cpy_native_modules == NULL) {
        return 0;
    }
    PyObject *native = PyDict_GetItemWithError(cpy_native_modules, fullname);
    if (native == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    PyObject *current = PyImport_GetModule(fullname);
    if (current == NULL && PyErr_Occurred()) {
        return -1;
    }
    Py_XDECREF(current);
    if (current != NULL && current != native) {
        PyErr_Format(PyExc_ImportError,
                     "native module '%U' in sys.modules was replaced after initialization",
                     fullname);
        return -1;
    }
    return 0;
}

PyObject *CPyImport_Import(PyObject *fullname) {
    /* With an empty fromlist, __import__ returns the top-level package. */
    PyObject *m = PyImport_ImportModuleLevelObject(fullname, NULL, NULL, NULL, 0);
    if (m != NULL && cpy_check_native(fullname) < 0) {
        Py_CLEAR(m);
    }
    return m;
}

PyObject *CPyImport_ImportModule(PyObject *fullname) {
    /* Goes through builtins.__import__ and returns sys.modules[fullname]. */
    PyObject *m = PyImport_Import(fullname);
    if (m != NULL && cpy_check_native(fullname) < 0) {
        Py_CLEAR(m);
    }
    return m;
}

/* The submodule module_name.name if it is (or can be) imported; else NULL
 * without an exception when there is no such submodule, or NULL with the
 * exception its import raised (which must propagate, as for the
 * interpreter's `from package import submodule`). */
static PyObject *cpy_find_submodule(PyObject *module, PyObject *name,
                                    PyObject *module_name) {
    PyObject *fullname = PyUnicode_FromFormat("%U.%U", module_name, name);
    if (fullname == NULL) {
        return NULL;
    }
    PyObject *sub = PyImport_GetModule(fullname);
    if (sub == NULL && !PyErr_Occurred() && PyObject_HasAttrString(module, "__path__")) {
        sub = PyImport_Import(fullname);
    }
    Py_DECREF(fullname);
    if (sub == NULL && PyErr_ExceptionMatches(PyExc_ModuleNotFoundError)) {
        PyErr_Clear();
    }
    return sub;
}

/* ImportError "cannot import name 'x' from 'm' (<location>)", like the
 * interpreter's, with the error's name and path attributes set. */
static void cpy_raise_cannot_import(PyObject *module, PyObject *name,
                                    PyObject *module_name) {
    PyObject *path = PyObject_GetAttrString(module, "__file__");
    PyObject *msg;
    if (path != NULL && PyUnicode_Check(path)) {
        msg = PyUnicode_FromFormat("cannot import name %R from %R (%U)", name,
                                   module_name, path);
    } else {
        PyErr_Clear();
        Py_CLEAR(path);
        msg = PyUnicode_FromFormat("cannot import name %R from %R (unknown location)",
                                   name, module_name);
    }
    if (msg != NULL) {
        PyErr_SetImportError(msg, module_name, path);
        Py_DECREF(msg);
    }
    Py_XDECREF(path);
}

PyObject *CPyImport_ImportFrom(PyObject *module, PyObject *name, PyObject *module_name) {
    PyObject *v = PyObject_GetAttr(module, name);
    if (v != NULL) {
        return v;
    }
    if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
        return NULL;
    }
    PyErr_Clear();
    v = cpy_find_submodule(module, name, module_name);
    if (v != NULL || PyErr_Occurred()) {
        return v;
    }
    cpy_raise_cannot_import(module, name, module_name);
    return NULL;
}

/* Attribute `name` of `o`, or NULL: with an exception set unless the
 * attribute is just missing. */
static PyObject *cpy_optional_attr(PyObject *o, const char *name) {
    PyObject *v = PyObject_GetAttrString(o, name);
    if (v == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
    }
    return v;
}

/* `from m import *`: bind in `globals` every name of `module.__all__`, or,
 * without `__all__`, every name of the module's namespace not starting
 * with an underscore (as the interpreter does). */
int CPyImport_ImportStar(PyObject *module, PyObject *globals) {
    int skip_private = 0;
    PyObject *names = cpy_optional_attr(module, "__all__");
    if (names == NULL && PyErr_Occurred()) {
        return -1;
    }
    if (names == NULL) {
        PyObject *dict = cpy_optional_attr(module, "__dict__");
        if (dict == NULL && PyErr_Occurred()) {
            return -1;
        }
        if (dict == NULL) {
            PyErr_SetString(PyExc_ImportError,
                            "from-import-* object has no __dict__ and no __all__");
            return -1;
        }
        names = PyMapping_Keys(dict);
        Py_DECREF(dict);
        if (names == NULL) {
            return -1;
        }
        skip_private = 1;
    }
    PyObject *it = PyObject_GetIter(names);
    Py_DECREF(names);
    if (it == NULL) {
        return -1;
    }
    PyObject *name;
    while ((name = PyIter_Next(it)) != NULL) {
        if (!PyUnicode_Check(name)) {
            PyErr_Format(PyExc_TypeError,
                         skip_private ? "Key in module __dict__ must be str, not %.100s"
                                      : "Item in module __all__ must be str, not %.100s",
                         Py_TYPE(name)->tp_name);
            Py_DECREF(name);
            Py_DECREF(it);
            return -1;
        }
        if (skip_private && PyUnicode_READ_CHAR(name, 0) == '_') {
            Py_DECREF(name);
            continue;
        }
        PyObject *value = PyObject_GetAttr(module, name);
        int r = value == NULL ? -1 : CPyGlobals_Set(globals, name, value);
        Py_XDECREF(value);
        Py_DECREF(name);
        if (r < 0) {
            Py_DECREF(it);
            return -1;
        }
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}
