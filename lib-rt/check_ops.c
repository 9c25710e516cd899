/* check_ops.c: the slow paths of the stack check and the signal poll of
 * compiled code (see "Stack depth and pending signals" in CPy.h).
 *
 * The stack check needs each thread's stack bounds, which only the OS
 * knows: pthread_getattr_np (Linux and other glibc/musl systems),
 * pthread_get_stackaddr_np (macOS), GetCurrentThreadStackLimits (Windows).
 * Elsewhere, a thread's stack is assumed to extend CPY_ASSUMED_STACK bytes
 * below the first check it makes. */

#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1
#endif

#include "CPy.h"

#if defined(_WIN32)
#include <windows.h>
#else
#include <pthread.h>
#endif

/* The signal poll reads the interpreter's "signals pending" flag, which
 * only its internal headers describe, before paying for the public
 * PyErr_CheckSignals. Confined to this file. */
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000 && !defined(Py_LIMITED_API) && \
    !defined(CPY_PUBLIC_API_ONLY)
#define CPY_SIGNALS_FLAG 1
#ifndef Py_BUILD_CORE
#define Py_BUILD_CORE 1
#define CPY_DEFINED_BUILD_CORE 1
#endif
/* pycore_gc.h defines it again, the same way. */
#undef _PyGC_FINALIZED
#include "internal/pycore_runtime.h"
/* The runtime may be compiled as one unit: the files after this one see
 * only the public API. */
#ifdef CPY_DEFINED_BUILD_CORE
#undef Py_BUILD_CORE
#undef CPY_DEFINED_BUILD_CORE
#endif
#endif

/* ------------------------------------------------------------------------
 * Stack check
 * ------------------------------------------------------------------------ */

/* The window of the thread that made the last check (see CPy.h). Empty at
 * first, so that the first check takes the slow path. */
uintptr_t CPy_StackLow = 0;
uintptr_t CPy_StackSpan = 0;

#define CPY_ASSUMED_STACK ((uintptr_t)256 * 1024)
#define CPY_STACK_THREADS 16

typedef struct {
    uintptr_t thread;  /* 0: unused entry */
    uintptr_t low;     /* lowest usable address of the stack */
    uintptr_t high;    /* its top (one past the highest address) */
} CPyStackBounds;

static CPyStackBounds cpy_stack_bounds[CPY_STACK_THREADS];
static int cpy_next_bounds_entry = 0;

static uintptr_t cpy_current_thread_id(void) {
#if defined(_WIN32)
    return (uintptr_t)GetCurrentThreadId() + 1;
#else
    return (uintptr_t)pthread_self();
#endif
}

/* The bounds of the current thread's stack, from the OS; 0 if unknown. */
static int cpy_read_stack_bounds(uintptr_t *low, uintptr_t *high) {
#if defined(_WIN32)
    ULONG_PTR lo, hi;
    GetCurrentThreadStackLimits(&lo, &hi);
    *low = (uintptr_t)lo;
    *high = (uintptr_t)hi;
    return 1;
#elif defined(__APPLE__)
    pthread_t self = pthread_self();
    *high = (uintptr_t)pthread_get_stackaddr_np(self);
    *low = *high - (uintptr_t)pthread_get_stacksize_np(self);
    return 1;
#elif defined(__linux__) || defined(__GLIBC__)
    pthread_attr_t attr;
    void *addr;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) {
        return 0;
    }
    int ok = pthread_attr_getstack(&attr, &addr, &size) == 0;
    pthread_attr_destroy(&attr);
    if (!ok || size == 0) {
        return 0;
    }
    *low = (uintptr_t)addr;
    *high = *low + size;
    return 1;
#else
    (void)low;
    (void)high;
    return 0;
#endif
}

static void cpy_fresh_bounds(CPyStackBounds *b, uintptr_t sp) {
    uintptr_t low, high;
    if (!cpy_read_stack_bounds(&low, &high) || sp < low || sp >= high) {
        low = sp > CPY_ASSUMED_STACK ? sp - CPY_ASSUMED_STACK : 0;
        high = sp + 1;
    }
    b->thread = cpy_current_thread_id();
    b->low = low;
    b->high = high;
}

/* The current thread's entry, made when missing. A thread id reused by a
 * new thread with another stack shows as a stack pointer outside the
 * entry's bounds: the bounds are read again. */
static CPyStackBounds *cpy_thread_bounds(uintptr_t sp) {
    uintptr_t self = cpy_current_thread_id();
    CPyStackBounds *b = NULL;
    for (int i = 0; i < CPY_STACK_THREADS; i++) {
        if (cpy_stack_bounds[i].thread == self) {
            b = &cpy_stack_bounds[i];
            break;
        }
    }
    if (b == NULL) {
        b = &cpy_stack_bounds[cpy_next_bounds_entry];
        cpy_next_bounds_entry = (cpy_next_bounds_entry + 1) % CPY_STACK_THREADS;
        cpy_fresh_bounds(b, sp);
    } else if (sp < b->low || sp >= b->high) {
        cpy_fresh_bounds(b, sp);
    }
    return b;
}

/* What the deepest checked frame leaves to what it calls (C functions of
 * the interpreter, which have no checks of their own, and the raising of
 * RecursionError): an eighth of the stack, from 32 KiB to 1 MiB. */
static uintptr_t cpy_stack_margin(const CPyStackBounds *b) {
    uintptr_t margin = (b->high - b->low) / 8;
    if (margin < 32 * 1024) {
        margin = 32 * 1024;
    }
    if (margin > 1024 * 1024) {
        margin = 1024 * 1024;
    }
    return margin;
}

/* The caller's stack pointer is a little above this function's. */
int CPy_CheckStackSlow(void) {
    uintptr_t sp = CPY_STACK_POINTER();
    CPyStackBounds *b = cpy_thread_bounds(sp);
    uintptr_t margin = cpy_stack_margin(b);
    uintptr_t limit = b->high - b->low > margin ? b->low + margin : b->high;
    CPy_StackLow = limit;
    CPy_StackSpan = b->high - limit;
    if (sp < limit) {
        PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Signal poll
 * ------------------------------------------------------------------------ */

char CPy_PollSignals(void) {
#ifdef CPY_SIGNALS_FLAG
    if (CPY_LIKELY(!_Py_atomic_load_relaxed(&_PyRuntime.ceval.signals_pending))) {
        return 1;
    }
#endif
    if (PyErr_CheckSignals() < 0) {
        return 0;
    }
#ifdef CPY_SIGNALS_FLAG
    /* Only the main thread runs Python signal handlers (PyErr_CheckSignals
     * does nothing elsewhere), so a compiled loop in another thread lets
     * the main thread have the GIL to run them, instead of seeing the flag
     * set on every poll until the loop ends. */
    if (_Py_atomic_load_relaxed(&_PyRuntime.ceval.signals_pending)) {
        Py_BEGIN_ALLOW_THREADS
        Py_END_ALLOW_THREADS
    }
#endif
    return 1;
}
