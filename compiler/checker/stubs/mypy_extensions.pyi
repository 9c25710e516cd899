# The `mypy_extensions` module, as the checker sees it: the names it defines (from
# `dir(mypy_extensions)` of CPython 3.11, listed by check_stubs.py). The checker models
# what matters about them itself (typing forms, decorators, base classes),
# so each is `Any` here: known to exist, nothing more.
from typing import Any

Arg: Any
DefaultArg: Any
DefaultNamedArg: Any
Dict: Any
FlexibleAlias: Any
KwArg: Any
NamedArg: Any
TypedDict: Any
VarArg: Any
i16: Any
i32: Any
i64: Any
mypyc_attr: Any
sys: Any
trait: Any
u8: Any
