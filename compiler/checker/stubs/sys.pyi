# The `sys` module, as the checker sees it (written for this project from
# the CPython 3.11 documentation; verified with check_stubs.py). Values
# whose types the checker does not model (file objects, struct sequences)
# are `Any`.
from typing import Any, NoReturn

abiflags: str
api_version: int
argv: list[str]
base_exec_prefix: str
base_prefix: str
builtin_module_names: tuple[str, ...]
byteorder: str
copyright: str
dont_write_bytecode: bool
exec_prefix: str
executable: str
float_repr_style: str
hexversion: int
maxsize: int
maxunicode: int
modules: dict[str, Any]
orig_argv: list[str]
path: list[str]
platform: str
platlibdir: str
prefix: str
version: str
warnoptions: list[Any]
stdin: Any
stdout: Any
stderr: Any
flags: Any
float_info: Any
hash_info: Any
implementation: Any
int_info: Any
thread_info: Any
version_info: Any
meta_path: Any
path_hooks: Any
path_importer_cache: Any
pycache_prefix: Any
stdlib_module_names: frozenset[str]

def exit(status: object = None, /) -> NoReturn: ...
def exc_info() -> Any: ...
def exception() -> Any: ...
def getallocatedblocks() -> int: ...
def getdefaultencoding() -> str: ...
def getfilesystemencoding() -> str: ...
def getfilesystemencodeerrors() -> str: ...
def getrecursionlimit() -> int: ...
def setrecursionlimit(limit: int, /) -> None: ...
def getrefcount(object: Any, /) -> int: ...
def getsizeof(obj: object, default: int = ..., /) -> int: ...
def getswitchinterval() -> float: ...
def setswitchinterval(interval: float, /) -> None: ...
def get_int_max_str_digits() -> int: ...
def set_int_max_str_digits(maxdigits: int) -> None: ...
def intern(string: str, /) -> str: ...
def is_finalizing() -> bool: ...
def getdlopenflags() -> int: ...
def setdlopenflags(flags: int, /) -> None: ...
def get_coroutine_origin_tracking_depth() -> int: ...
def set_coroutine_origin_tracking_depth(depth: int) -> None: ...
addaudithook: Any
audit: Any
breakpointhook: Any
call_tracing: Any
displayhook: Any
excepthook: Any
get_asyncgen_hooks: Any
getprofile: Any
gettrace: Any
set_asyncgen_hooks: Any
setprofile: Any
settrace: Any
unraisablehook: Any
