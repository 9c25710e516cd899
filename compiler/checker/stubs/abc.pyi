# The `abc` module, as the checker sees it: the names it defines (from
# `dir(abc)` of CPython 3.11, listed by check_stubs.py). The checker models
# what matters about them itself (typing forms, decorators, base classes),
# so each is `Any` here: known to exist, nothing more.
from typing import Any

ABC: Any
ABCMeta: Any
abstractclassmethod: Any
abstractmethod: Any
abstractproperty: Any
abstractstaticmethod: Any
get_cache_token: Any
update_abstractmethods: Any
