# The `itertools` module, as the checker sees it: the names it defines (from
# `dir(itertools)` of CPython 3.11, listed by check_stubs.py). The checker models
# what matters about them itself (typing forms, decorators, base classes),
# so each is `Any` here: known to exist, nothing more.
from typing import Any

accumulate: Any
chain: Any
combinations: Any
combinations_with_replacement: Any
compress: Any
count: Any
cycle: Any
dropwhile: Any
filterfalse: Any
groupby: Any
islice: Any
pairwise: Any
permutations: Any
product: Any
repeat: Any
starmap: Any
takewhile: Any
tee: Any
zip_longest: Any
