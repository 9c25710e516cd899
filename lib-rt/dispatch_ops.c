/*
 * dispatch_ops.c: calls of functools.singledispatch functions with a
 * per-type cache, and iteration over enum classes.
 *
 * A call site keeps a cache (a capsule in a static of the module) from
 * the type of the first argument to the implementation functools chose
 * for it (`func.dispatch(type)`). The cache belongs to one function
 * object and one state of its registry: `register` adds to the registry
 * dict behind `func.registry`, which changes the dict's version, and the
 * next call then starts a new cache. Registries holding abstract classes
 * are not cached (registering a virtual subclass changes what they
 * dispatch to without touching the registry), nor is anything on
 * versions of CPython whose dicts have no version tag.
 */
#include "CPy.h"

typedef struct {
    PyObject *func;     /* the singledispatch function (owned) */
    PyObject *registry; /* the dict behind func.registry (owned) */
    uint64_t version;   /* its version when the cache was started */
    PyObject *impls;    /* type -> implementation (owned dict) */
    int cacheable;
} CPyDispatchCache;

static void cpy_dispatch_cache_free(PyObject *capsule) {
    CPyDispatchCache *c = PyCapsule_GetPointer(capsule, "mypyc.dispatch_cache");
    if (c != NULL) {
        Py_XDECREF(c->func);
        Py_XDECREF(c->registry);
        Py_XDECREF(c->impls);
        PyMem_Free(c);
    }
}

PyObject *CPySingleDispatch_NewCache(void) {
    CPyDispatchCache *c = PyMem_Calloc(1, sizeof(CPyDispatchCache));
    if (c == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *capsule = PyCapsule_New(c, "mypyc.dispatch_cache", cpy_dispatch_cache_free);
    if (capsule == NULL) {
        PyMem_Free(c);
    }
    return capsule;
}

/* The layout of a mappingproxy (Objects/descrobject.c): the mapping it
 * shows follows the object header. */
typedef struct {
    PyObject_HEAD
    PyObject *mapping;
} cpy_mappingproxy;

#if PY_VERSION_HEX < 0x030C0000
#define CPY_DICT_VERSION(d) (((PyDictObject *)(d))->ma_version_tag)
#endif

/* Start the cache over for `func`; 0 on success. */
static int cpy_dispatch_reset(CPyDispatchCache *c, PyObject *func) {
    Py_CLEAR(c->func);
    Py_CLEAR(c->registry);
    Py_CLEAR(c->impls);
    c->cacheable = 0;
    PyObject *proxy = PyObject_GetAttrString(func, "registry");
    if (proxy == NULL) {
        return -1;
    }
    PyObject *registry = NULL;
    if (Py_IS_TYPE(proxy, &PyDictProxy_Type)) {
        registry = ((cpy_mappingproxy *)proxy)->mapping;
    }
#ifdef CPY_DICT_VERSION
    if (registry != NULL && PyDict_CheckExact(registry)) {
        c->cacheable = 1;
        PyObject *key;
        Py_ssize_t pos = 0;
        while (PyDict_Next(registry, &pos, &key, NULL)) {
            if (PyObject_HasAttrString(key, "__abstractmethods__")) {
                c->cacheable = 0;
                break;
            }
        }
        c->version = CPY_DICT_VERSION(registry);
    }
#endif
    c->impls = PyDict_New();
    if (c->impls == NULL) {
        Py_DECREF(proxy);
        return -1;
    }
    Py_INCREF(func);
    c->func = func;
    c->registry = registry;
    Py_XINCREF(registry);
    Py_DECREF(proxy);
    return 0;
}

PyObject *CPySingleDispatch_Find(PyObject *capsule, PyObject *func, PyObject *arg) {
    CPyDispatchCache *c = PyCapsule_GetPointer(capsule, "mypyc.dispatch_cache");
    if (c == NULL) {
        return NULL;
    }
    int fresh = c->func == func && c->cacheable;
#ifdef CPY_DICT_VERSION
    fresh = fresh && CPY_DICT_VERSION(c->registry) == c->version;
#endif
    PyObject *cls = (PyObject *)Py_TYPE(arg);
    if (fresh) {
        PyObject *impl = PyDict_GetItemWithError(c->impls, cls);
        if (impl != NULL) {
            Py_INCREF(impl);
            return impl;
        }
        if (PyErr_Occurred()) {
            return NULL;
        }
    } else if (cpy_dispatch_reset(c, func) < 0) {
        return NULL;
    }
    PyObject *impl = PyObject_CallMethod(func, "dispatch", "O", cls);
    if (impl != NULL && c->cacheable && PyDict_SetItem(c->impls, cls, impl) < 0) {
        Py_CLEAR(impl);
    }
    return impl;
}

/* ---- enum classes ---- */

/* The members of enum class `cls` in definition order (aliases left out), as
 * `EnumType.__iter__` gives them, in a tuple; for a class whose metaclass
 * iterates some other way, the iterator it gives. */
PyObject *CPyEnum_Iterable(PyObject *cls) {
    static PyObject *standard_iter = NULL;
    static PyObject *iter_name = NULL;
    if (standard_iter == NULL) {
        PyObject *module = PyImport_ImportModule("enum");
        if (module == NULL) {
            return NULL;
        }
        PyObject *meta = PyObject_GetAttrString(module, "EnumMeta");
        Py_DECREF(module);
        if (meta == NULL) {
            return NULL;
        }
        iter_name = PyUnicode_InternFromString("__iter__");
        standard_iter = iter_name != NULL && PyType_Check(meta)
                            ? _PyType_Lookup((PyTypeObject *)meta, iter_name)
                            : NULL;
        Py_XINCREF(standard_iter);
        Py_DECREF(meta);
        if (standard_iter == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "enum.EnumMeta has no __iter__");
            }
            return NULL;
        }
    }
    if (_PyType_Lookup(Py_TYPE(cls), iter_name) != standard_iter) {
        return PyObject_GetIter(cls);
    }
    PyObject *names = PyObject_GetAttrString(cls, "_member_names_");
    PyObject *map = names != NULL ? PyObject_GetAttrString(cls, "_member_map_") : NULL;
    PyObject *members = NULL;
    if (map != NULL && PyList_CheckExact(names) && PyDict_Check(map)) {
        Py_ssize_t n = PyList_GET_SIZE(names);
        members = PyTuple_New(n);
        for (Py_ssize_t i = 0; members != NULL && i < n; i++) {
            PyObject *m = PyDict_GetItemWithError(map, PyList_GET_ITEM(names, i));
            if (m == NULL) {
                if (!PyErr_Occurred()) {
                    PyErr_SetObject(PyExc_KeyError, PyList_GET_ITEM(names, i));
                }
                Py_CLEAR(members);
                break;
            }
            Py_INCREF(m);
            PyTuple_SET_ITEM(members, i, m);
        }
    } else if (map != NULL) {
        members = PyObject_GetIter(cls);
    }
    Py_XDECREF(names);
    Py_XDECREF(map);
    return members;
}
