#!/usr/bin/env bash
# Compile each benchmark in bench/ with mypyc and compare compiled against
# interpreted run time (best of $REPEATS), importing the same source from two
# separate directories. Prints one row per benchmark and the speedup.
#
# Usage: bench/run.sh [BENCH...]      (default: fib numeric listsum)
# Env:   MYPYC (compiler, default target/release/mypyc, built if missing),
#        PYTHON (default python3), REPEATS (default 5), OPT (default 3).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-python3}"
repeats="${REPEATS:-5}"
opt="${OPT:-3}"
mypyc="${MYPYC:-${CARGO_TARGET_DIR:-$root/target}/release/mypyc}"

if [[ ! -x "$mypyc" ]]; then
    echo "building $mypyc ..." >&2
    (cd "$root" && cargo build --release --bin mypyc >&2)
fi

benches=("$@")
if [[ ${#benches[@]} -eq 0 ]]; then
    benches=(fib numeric listsum)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/compiled" "$work/interpreted"

printf '%-10s %14s %14s %9s\n' benchmark interpreted/s compiled/s speedup
for name in "${benches[@]}"; do
    src="$here/$name.py"
    [[ -f "$src" ]] || { echo "no benchmark $src" >&2; exit 1; }
    cp "$src" "$work/compiled/$name.py"
    cp "$src" "$work/interpreted/$name.py"
    if ! (cd "$work/compiled" && "$mypyc" -O "$opt" --python "$python" \
            --build-dir "$work/build-$name" "$name.py" >"$work/$name.log" 2>&1); then
        echo "$name: compilation failed:" >&2
        head -20 "$work/$name.log" >&2
        exit 1
    fi
    read -r t_interp r_interp < <("$python" "$here/harness.py" "$work/interpreted" "$name" "$repeats")
    read -r t_comp r_comp < <("$python" "$here/harness.py" "$work/compiled" "$name" "$repeats" --expect-compiled)
    if [[ "$r_interp" != "$r_comp" ]]; then
        echo "$name: results differ (interpreted $r_interp, compiled $r_comp)" >&2
        exit 1
    fi
    speedup="$("$python" -c "print(f'{$t_interp / $t_comp:.2f}x')")"
    printf '%-10s %14s %14s %9s\n' "$name" "$t_interp" "$t_comp" "$speedup"
done
