/* Shim extension for the compiled module {{MODULE}}.
 *
 * The code of the module lives in the group library {{LIBNAME}}; this tiny
 * extension only gives the module its own importable file. Its PyInit
 * fetches the module's init function from a capsule published by the group
 * library (importing the library on first use) and runs it. */
#include <Python.h>

PyMODINIT_FUNC
PyInit_{{SHORTNAME}}(void)
{
    PyObject *(*init)(void);
    init = (PyObject *(*)(void))PyCapsule_Import("{{LIBNAME}}.{{CAPSULE}}", 0);
    if (init == NULL) {
        return NULL;
    }
    return init();
}
