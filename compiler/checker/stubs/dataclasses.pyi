# The `dataclasses` module, as the checker sees it: the names it defines (from
# `dir(dataclasses)` of CPython 3.11, listed by check_stubs.py). The checker models
# what matters about them itself (typing forms, decorators, base classes),
# so each is `Any` here: known to exist, nothing more.
from typing import Any

Field: Any
FrozenInstanceError: Any
FunctionType: Any
GenericAlias: Any
InitVar: Any
KW_ONLY: Any
MISSING: Any
abc: Any
asdict: Any
astuple: Any
builtins: Any
copy: Any
dataclass: Any
field: Any
fields: Any
functools: Any
inspect: Any
is_dataclass: Any
itertools: Any
keyword: Any
make_dataclass: Any
re: Any
replace: Any
sys: Any
types: Any
