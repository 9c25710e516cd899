/* A deliberately tiny stand-in for lib-rt's CPy.h, used only by the codegen
 * end-to-end tests while the real runtime is not in this tree. It provides
 * just the API.md functions those tests' generated code calls. */
#ifndef CPY_STUB_H
#define CPY_STUB_H
#include <Python.h>
#include <stdint.h>

typedef size_t CPyTagged;
#define CPY_INT_TAG 1
#define CPyTagged_CheckShort(x) (((x) & CPY_INT_TAG) == 0)
#define CPyTagged_CheckLong(x) (((x) & CPY_INT_TAG) != 0)
#define CPyTagged_LongAsObject(x) ((PyObject *)((x) & ~(CPyTagged)CPY_INT_TAG))

void CPyTagged_INCREF(CPyTagged x);
void CPyTagged_DECREF(CPyTagged x);
void CPyTagged_XDECREF(CPyTagged x);
CPyTagged CPyTagged_FromObject(PyObject *o);
CPyTagged CPyTagged_BorrowFromObject(PyObject *o);
PyObject *CPyTagged_AsObject(CPyTagged x);
PyObject *CPyTagged_StealAsObject(CPyTagged x);
CPyTagged CPyTagged_Add(CPyTagged a, CPyTagged b);
double CPyFloat_FromObject(PyObject *o);
double CPyFloat_Remainder(double a, double b);

#ifndef MYPYC_DECLARED_tuple_T3OOO
#define MYPYC_DECLARED_tuple_T3OOO
typedef struct tuple_T3OOO { PyObject *f0, *f1, *f2; } tuple_T3OOO;
#endif

void CPy_AddTraceback(const char *filename, const char *funcname, int line, PyObject *globals);
void CPy_TypeError(const char *expected, PyObject *value);

typedef struct CPyArgParser {
    const char *fname;
    const char *const *names;
    int num_pos;
    int num_required_pos;
    int num_posonly;
    int num_kwonly;
    const char *kwonly_required;
    int has_star;
    int has_star2;
    PyObject **interned;
} CPyArgParser;

int CPyArg_Parse(PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                 CPyArgParser *parser, PyObject **out);
#endif
