/* Shim extension for the compiled module {{MODULE}}.
 *
 * The code of the module lives in the group library {{LIBNAME}}; this tiny
 * extension only gives the module its own importable file. Its PyInit
 * fetches the module's (multi-phase) PyModuleDef from a capsule published
 * by the group library (importing the library, a top-level module whose
 * init runs no Python code, on first use) and hands it to the import
 * system, which creates the module from its spec and then runs its body. */
#include <Python.h>

PyMODINIT_FUNC
PyInit_{{SHORTNAME}}(void)
{
    PyModuleDef *def;
    def = (PyModuleDef *)PyCapsule_Import("{{LIBNAME}}.{{CAPSULE}}", 0);
    if (def == NULL) {
        return NULL;
    }
    return PyModuleDef_Init(def);
}
