#!/bin/sh
# Build the runtime test extension (every lib-rt/*.c plus test_runtime.c)
# with the flags the compiler uses, warnings as errors, then run the tests.
# Usage: lib-rt/test/run.sh [python3]; exits non-zero on any failure.
set -eu

PYTHON=${1:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
RT=$(dirname "$HERE")
CC=${CC:-cc}
INCLUDE=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
SUFFIX=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
BUILD=$(mktemp -d)
trap 'rm -rf "$BUILD"' EXIT

CFLAGS="-O2 -Wall -Wno-unused-function -Werror -fPIC -I$INCLUDE"
for src in "$RT"/*.c "$HERE"/test_runtime.c; do
    obj="$BUILD/$(basename "$src" .c).o"
    $CC $CFLAGS -c "$src" -o "$obj"
done
$CC -shared "$BUILD"/*.o -o "$BUILD/_cpyrt_test$SUFFIX"

PYTHONPATH="$BUILD" "$PYTHON" "$HERE/test_runtime.py"
