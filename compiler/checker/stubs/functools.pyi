# The `functools` module, as the checker sees it: the names it defines (from
# `dir(functools)` of CPython 3.11, listed by check_stubs.py). The checker models
# what matters about them itself (typing forms, decorators, base classes),
# so each is `Any` here: known to exist, nothing more.
from typing import Any

GenericAlias: Any
RLock: Any
WRAPPER_ASSIGNMENTS: Any
WRAPPER_UPDATES: Any
cache: Any
cached_property: Any
cmp_to_key: Any
get_cache_token: Any
lru_cache: Any
namedtuple: Any
partial: Any
partialmethod: Any
recursive_repr: Any
reduce: Any
singledispatch: Any
singledispatchmethod: Any
total_ordering: Any
update_wrapper: Any
wraps: Any
