# The `collections` module, as the checker sees it: the names it defines (from
# `dir(collections)` of CPython 3.11, listed by check_stubs.py). The checker models
# what matters about them itself (typing forms, decorators, base classes),
# so each is `Any` here: known to exist, nothing more.
from typing import Any

ChainMap: Any
Counter: Any
OrderedDict: Any
UserDict: Any
UserList: Any
UserString: Any
abc: Any
defaultdict: Any
deque: Any
namedtuple: Any
