"""Limits on what one BPMN script, condition or expression may cost: time and memory.

A script runs in the command's own thread while the command holds the dossier's lock (on SQLite,
the database's write lock), so a runaway one must end, by itself, soon. Python offers no way to
kill a thread, and a signal (SIGALRM) reaches only the main thread of a process that may be a
web server's worker thread or the scheduler's. So the limits are enforced from inside:

- **Time**: while a script runs, a trace function (``sys.settrace``, this thread only) counts the
  lines it executes and looks at the monotonic clock every ``CHECK_EVERY`` lines; past the budget
  (``MOTCUA_SCRIPT_SECONDS``, default 3 s) it raises ``ScriptBudgetExceeded`` in the script.
  Tracing costs only while a script runs, and scripts are short; it is removed afterwards and
  whatever tracer was installed before (a debugger, coverage) is put back.
- **Operations that run long without a line of Python** (a power of huge integers, repeating a
  string a billion times, ``range`` of 10**12 in ``sum``): no line event happens while C code runs,
  so these are refused before they start. The compiler rewrites ``**``, ``*``, ``<<``, ``+`` and
  ``%`` into guarded calls (``_op_``) that estimate the result's size first; ``range``, ``pow``,
  ``bytes`` and a few string methods get the same checks; f-string widths must be small constants.
- **Memory**: each value a guarded operation builds is bounded (``MAX_ITEMS`` characters or
  items, ``MAX_INT_BITS`` bits), and the time budget bounds how many of them a script can build.
- **No catching**: ``try`` is not allowed in BPMN scripts, so the budget's exception cannot be
  swallowed (a failing script makes the step fail; the officer sees why). After the trace
  function raises, CPython removes it: a handler that went on looping would run unbounded.
"""
from __future__ import annotations

import ast
import math
import string
import sys
import threading
import time
from contextlib import contextmanager

from RestrictedPython.transformer import RestrictingNodeTransformer

DEFAULT_SECONDS = 3.0
MAX_ITEMS = 1_000_000  # characters of a string, items of a list, length of a range
MAX_INT_BITS = 100_000  # about 30,000 decimal digits
MAX_WIDTH = 10_000  # a formatting width (f"{x:>20}")
CHECK_EVERY = 256  # lines between two looks at the clock
SCRIPT_FILES = frozenset({"<bpmn-script>", "<bpmn-expression>"})  # sandbox.compile_* name them so

_limits = {"seconds": DEFAULT_SECONDS}
_running = threading.local()


class ScriptBudgetExceeded(Exception):
    """A script ran past its time budget or asked for a value too big to build. English for
    logs and the administrator; ``message_vi`` for the officer."""

    def __init__(self, message: str, message_vi: str | None = None):
        super().__init__(message)
        self.message_vi = message_vi or message


def configure(seconds: float | None = None) -> None:
    """Set the time budget of every script in this process (engine.bootstrap, from settings)."""
    if seconds is not None:
        if not 0 < seconds <= 600:
            raise ValueError("the script time budget must be between 0 and 600 seconds")
        _limits["seconds"] = float(seconds)


def budget_seconds() -> float:
    return _limits["seconds"]


@contextmanager
def budget():
    """Run the body (one script or expression) under the time budget. Nested uses (a script
    calling a helper that evaluates) share the outer budget."""
    if getattr(_running, "active", False):
        yield
        return
    seconds = _limits["seconds"]
    deadline = time.monotonic() + seconds
    lines = 0

    def local(frame, event, arg):
        nonlocal lines
        if event == "line":
            lines += 1
            if lines % CHECK_EVERY == 0 and time.monotonic() > deadline:
                raise ScriptBudgetExceeded(f"ran longer than its budget of {seconds:g} s",
                                           f"chạy quá {seconds:g} giây".replace(".", ","))
        return local

    def on_call(frame, event, arg):
        # Only the script's own frames (its body, functions, lambdas, comprehensions) are
        # counted: our helpers are bounded by their authors, and may catch errors themselves.
        return local if frame.f_code.co_filename in SCRIPT_FILES else None

    previous = sys.gettrace()
    _running.active = True
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)
        _running.active = False


def _too_big(what: str) -> ScriptBudgetExceeded:
    return ScriptBudgetExceeded(f"{what} is too big for a BPMN script", "phép tính tạo ra giá trị quá lớn")


def _length(value) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _int_bits(value) -> int | None:
    return abs(value).bit_length() if isinstance(value, int) and not isinstance(value, bool) else None


def _check_pow(base, exponent) -> None:
    bits = _int_bits(base)
    if bits is not None and bits > 1 and isinstance(exponent, int) and exponent > 0:
        if exponent * (bits - 1) > MAX_INT_BITS:
            raise _too_big("the power's result")


def _check_mul(left, right) -> None:
    for seq, times in ((left, right), (right, left)):
        n = _length(seq)
        if n is not None and isinstance(times, int) and n * times > MAX_ITEMS:
            raise _too_big("the repeated value")
    a, b = _int_bits(left), _int_bits(right)
    if a is not None and b is not None and a + b > MAX_INT_BITS:
        raise _too_big("the product")


def _check_add(left, right) -> None:
    a, b = _length(left), _length(right)
    if a is not None and b is not None and a + b > MAX_ITEMS:
        raise _too_big("the joined value")


def _check_format(template) -> None:
    """'%*d', '%9999999d', '{:>{}}' and '{:>99999999}' build as many characters as they say."""
    if not isinstance(template, str):
        return
    if "%" in template and ("*" in template or _has_big_number(template)):
        raise _too_big("the formatted text")
    if "{" in template:
        try:
            fields = list(string.Formatter().parse(template))
        except ValueError:
            return  # str.format itself reports it
        for _text, _name, spec, _conversion in fields:
            if spec and ("{" in spec or _has_big_number(spec)):
                raise _too_big("the formatted text")


def _has_big_number(text: str) -> bool:
    run = 0
    for ch in text:
        run = run + 1 if ch.isdigit() else 0
        if run > len(str(MAX_WIDTH)):
            return True
    return False


def op(symbol: str, left, right):
    """``left <symbol> right`` after checking the result's size (the compiler's rewrite of a
    binary operator; see ``LimitedTransformer``)."""
    if symbol == "**":
        _check_pow(left, right)
        return left ** right
    if symbol == "*":
        _check_mul(left, right)
        return left * right
    if symbol == "<<":
        bits = _int_bits(left)
        if bits and isinstance(right, int) and bits + right > MAX_INT_BITS:
            raise _too_big("the shifted number")
        return left << right
    if symbol == "+":
        _check_add(left, right)
        return left + right
    if symbol == "%":
        _check_format(left)
        return left % right
    raise ScriptBudgetExceeded(f"operator {symbol} is not guarded")


def inplace(symbol: str, left, right):
    """``x op= y`` (RestrictedPython's ``_inplacevar_``), with the same checks as ``op``."""
    plain = {"+=": "+", "*=": "*", "%=": "%", "**=": "**", "<<=": "<<"}.get(symbol)
    if plain:
        return op(plain, left, right)
    ops = {"-=": lambda: left - right, "/=": lambda: left / right, "//=": lambda: left // right}
    if symbol not in ops:
        raise ScriptBudgetExceeded(f"operator {symbol} is not allowed in BPMN scripts")
    return ops[symbol]()


# --- builtins and methods that build big values in one C call ---------------------------------


def limited_range(*args):
    r = range(*args)
    if len(r) > MAX_ITEMS:
        raise _too_big("the range")
    return r


def limited_pow(base, exponent, modulus=None):
    if modulus is None:
        _check_pow(base, exponent)
        return pow(base, exponent)
    return pow(base, exponent, modulus)  # modular powers stay small


def limited_bytes(source=b"", *args):
    if isinstance(source, int) and source > MAX_ITEMS:
        raise _too_big("the byte string")
    return bytes(source, *args)


def _check_width(width) -> None:
    if isinstance(width, int) and width > MAX_ITEMS:
        raise _too_big("the padded text")


def _guarded_method(obj, name, method):
    if name in ("ljust", "rjust", "center", "zfill"):
        def padded(width, *args):
            _check_width(width)
            return method(width, *args)
        return padded
    if name == "expandtabs":
        def expanded(tabsize=8):
            if obj.count("\t" if isinstance(obj, str) else b"\t") * max(tabsize, 0) + len(obj) > MAX_ITEMS:
                raise _too_big("the expanded text")
            return method(tabsize)
        return expanded
    if name == "replace":
        def replaced(old, new, count=-1):
            hits = obj.count(old) if count < 0 else min(count, obj.count(old))
            if len(obj) + hits * max(0, len(new) - len(old)) > MAX_ITEMS:
                raise _too_big("the replaced text")
            return method(old, new, count)
        return replaced
    if name == "join":
        def joined(items):
            items = list(items)
            if sum(len(i) for i in items if isinstance(i, (str, bytes))) + len(obj) * len(items) > MAX_ITEMS:
                raise _too_big("the joined text")
            return method(items)
        return joined
    if name in ("format", "format_map"):
        _check_format(obj)
    return method


def guarded_getattr(getattr_):
    """Wrap RestrictedPython's ``_getattr_`` so the string methods above get their checks."""
    def _getattr(obj, name, *default):
        value = getattr_(obj, name, *default)
        if isinstance(obj, (str, bytes)) and callable(value):
            return _guarded_method(obj, name, value)
        return value
    return _getattr


class LimitedMath:
    """``math`` for scripts: the same functions, with the ones that run long in C bounded."""

    def __init__(self):
        for name in dir(math):
            if not name.startswith("_") and name not in vars(LimitedMath):  # ours, bounded, win
                setattr(self, name, getattr(math, name))

    @staticmethod
    def factorial(n):
        if isinstance(n, int) and n > 5000:
            raise _too_big("the factorial")
        return math.factorial(n)

    @staticmethod
    def comb(n, k):
        if isinstance(n, int) and n > 100_000:
            raise _too_big("the combination")
        return math.comb(n, k)

    @staticmethod
    def perm(n, k=None):
        if isinstance(n, int) and n > 5000:
            raise _too_big("the permutation")
        return math.perm(n, k)

    @staticmethod
    def prod(iterable, start=1):
        result = start
        for value in iterable:
            _check_mul(result, value)
            result = result * value
        return result

    @staticmethod
    def lcm(*numbers):
        if sum(_int_bits(n) or 0 for n in numbers) > MAX_INT_BITS:
            raise _too_big("the common multiple")
        return math.lcm(*numbers)


# --- the compiler's side ------------------------------------------------------------------------

_GUARDED = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Add: "+", ast.Mod: "%"}


class LimitedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's checks, plus: no ``try``; the operators above call ``_op_``; f-string
    widths are small constants."""

    def visit_Try(self, node):
        self.error(node, "try/except is not allowed in BPMN scripts: a failing script fails its step")
        return node

    def visit_BinOp(self, node):
        node = super().visit_BinOp(node)
        symbol = _GUARDED.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(func=ast.Name(id="_op_", ctx=ast.Load()),
                        args=[ast.Constant(value=symbol), node.left, node.right], keywords=[])
        for new in (call, call.func, call.args[0]):
            ast.copy_location(new, node)
        return call

    def visit_FormattedValue(self, node):
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if any(not isinstance(part, ast.Constant) for part in parts) or any(
                    _has_big_number(str(part.value)) for part in parts if isinstance(part, ast.Constant)):
                self.error(node, "f-string widths must be small constants in BPMN scripts")
        return super().visit_FormattedValue(node)
