# The `enum` module, as the checker sees it: the names it defines (from
# `dir(enum)` of CPython 3.11, listed by check_stubs.py). The checker models
# what matters about them itself (typing forms, decorators, base classes),
# so each is `Any` here: known to exist, nothing more.
from typing import Any

CONFORM: Any
CONTINUOUS: Any
DynamicClassAttribute: Any
EJECT: Any
Enum: Any
EnumCheck: Any
EnumMeta: Any
EnumType: Any
Flag: Any
FlagBoundary: Any
IntEnum: Any
IntFlag: Any
KEEP: Any
MappingProxyType: Any
NAMED_FLAGS: Any
ReprEnum: Any
STRICT: Any
StrEnum: Any
UNIQUE: Any
auto: Any
bin: Any
bltns: Any
global_enum: Any
global_enum_repr: Any
global_flag_repr: Any
global_str: Any
member: Any
nonmember: Any
pickle_by_enum_name: Any
pickle_by_global_name: Any
property: Any
reduce: Any
show_flag_values: Any
sys: Any
unique: Any
verify: Any
