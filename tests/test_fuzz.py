"""Our own fuzz suite: every public callable and CLI command, fed arbitrary JSON-like values.

The only promise checked is the error contract of API.md: a call returns, or raises a
``SupportkitError`` that is also a ``ValueError``, ``TypeError`` or ``LookupError``
(``ImportError`` for a missing optional extra), within a time bound. Anything else (an
``AttributeError`` from deep inside, a ``RecursionError``, a hang) is a bug. The
number of examples is bounded so that the suite runs in CI; raise it locally with
``SUPPORTKIT_FUZZ_EXAMPLES=2000``.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportkit.exceptions import SupportkitError

EXAMPLES = int(os.environ.get("SUPPORTKIT_FUZZ_EXAMPLES", "25"))
TIME_BOUND = 15.0  # seconds a single call may take before it counts as a hang (2 busy cores)
MODULES = (
    "supportkit",
    "supportkit.text",
    "supportkit.rules",
    "supportkit.sla",
    "supportkit.sla.erlang_c",
    "supportkit.metrics",
    "supportkit.onboarding",
    "supportkit.onboarding.flows",
)
ALLOWED = (ValueError, TypeError, LookupError, ImportError)


def _public_callables() -> list[tuple[str, Callable[..., Any]]]:
    found: dict[str, Callable[..., Any]] = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            if inspect.ismodule(obj) or not callable(obj) or getattr(obj, "_is_protocol", False):
                continue  # a Protocol is a type to satisfy, not something to call
            found.setdefault(f"{name}.{attr}", obj)
            if inspect.isclass(obj):  # alternative constructors: WorkCalendar.weekly, ...
                for meth_name, meth in vars(obj).items():
                    if meth_name.startswith("_") or not isinstance(
                        meth, classmethod | staticmethod
                    ):
                        continue
                    found.setdefault(f"{name}.{attr}.{meth_name}", getattr(obj, meth_name))
    return sorted(found.items())


CALLABLES = _public_callables()

#: Entry points the fuzz suite still breaks: known, listed in the session note, and
#: marked non-strict so a fix does not fail the run. Remove a name once it is fixed.
KNOWN_GAPS: frozenset[str] = frozenset()
PARAMS = [
    pytest.param(
        name,
        func,
        id=name,
        marks=[pytest.mark.xfail(strict=False, reason="known gap: wrong type not yet checked")]
        if name in KNOWN_GAPS
        else [],
    )
    for name, func in CALLABLES
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "2024-11-01T16:00:00+03:00",
            "2024-11-01T16:00:00",
            "mon-fri",
            "09:00-18:00",
            ",",
            "1e400",
            "99999999999h",
            "выплата",
            "/регул(яр|ар)ка/",
            "/(",
            "//",
            "email",
            "agent",
            "Europe/Moscow",
            "self_employed",
        ]
    )
)
json_like = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["id", "body", "created_at", "events", "at", "type", "by", "channel", "x"]
            )
            | st.text(max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


class Hang(Exception):
    """A call ran past the time bound."""


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    def _alarm(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def sandbox() -> Iterator[None]:
    """Run in an empty temporary folder with stdin empty and output captured."""
    before = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                yield
        finally:
            os.chdir(before)


def check_contract(what: str, call: Callable[[], Any]) -> None:
    try:
        with sandbox(), time_bound(TIME_BOUND):
            result = call()
            if inspect.isgenerator(result):  # lazy entry points: the work is in iterating
                for _ in zip(range(100), result, strict=False):
                    pass
    except Hang as exc:
        pytest.fail(f"{what}: {exc} (a public entry point must be linear or bounded)")
    except SupportkitError as exc:
        if not isinstance(exc, ALLOWED):
            pytest.fail(f"{what}: {type(exc).__name__} is not a ValueError/TypeError/LookupError")
    except ALLOWED as exc:
        pytest.fail(f"{what}: builtin {type(exc).__name__} escaped: {exc!r:.300}")
    except RecursionError as exc:
        pytest.fail(f"{what}: RecursionError escaped: {exc!r:.200}")
    except Exception as exc:  # noqa: BLE001 - the point: nothing else may escape
        pytest.fail(f"{what}: {type(exc).__name__} escaped: {exc!r:.300}")


def _signature(func: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):  # some builtins have none: call them with one value
        return None


def arguments(func: Callable[..., Any]) -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
    """Values for every required parameter, and for some optional ones by name.

    Calling with the wrong number of arguments is a programming error Python itself
    reports; the contract is about the values a host passes in.
    """
    sig = _signature(func)
    if sig is None:
        return st.tuples(st.lists(json_like, min_size=1, max_size=1), st.just({}))
    positional: list[st.SearchStrategy[Any]] = []
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for param in sig.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        required = param.default is param.empty
        if required and param.kind is not param.KEYWORD_ONLY:
            positional.append(json_like)
        elif required:
            optional[param.name] = json_like  # required keyword-only: always given below
        else:
            optional[param.name] = json_like
    required_kw = [
        p.name for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    ]
    return st.tuples(
        st.tuples(*positional).map(list),
        st.fixed_dictionaries(
            {k: optional[k] for k in required_kw},
            optional={k: v for k, v in optional.items() if k not in required_kw},
        ),
    )


@pytest.mark.slow
@pytest.mark.parametrize(("name", "func"), PARAMS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
@given(data=st.data())
def test_public_callables_keep_the_error_contract(
    name: str, func: Callable[..., Any], data: st.DataObject
) -> None:
    args, kwargs = data.draw(arguments(func), label="arguments")
    check_contract(f"{name}(*{args!r:.200}, **{kwargs!r:.200})", lambda: func(*args, **kwargs))


def _commands() -> list[list[str]]:
    from supportkit._cli import build_parser

    parser = build_parser()
    commands: list[list[str]] = []
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        for name, sub in getattr(action, "choices", {}).items():
            inner = [a for a in sub._actions if hasattr(a, "choices") and a.choices]
            subs = [
                c for a in inner if a.__class__.__name__ == "_SubParsersAction" for c in a.choices
            ]
            commands.extend([[name, s] for s in subs] or [[name]])
    return commands


COMMANDS = _commands()
cli_words = st.lists(
    st.sampled_from(
        [
            "-",
            ".",
            "/",
            "missing.json",
            "--json",
            "--now",
            "2024-11-01T16:00:00+03:00",
            "--tz",
            "Mars/Olympus",
            "--duration",
            "1e400",
            "--lenient",
            "-o",
            "out.jsonl",
            "{",
            "x" * 5000,
        ]
    )
    | st.text(max_size=12),
    max_size=5,
)


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(words=cli_words)
def test_cli_commands_answer_with_an_exit_code(command: list[str], words: list[str]) -> None:
    from supportkit._cli import main

    argv = [*command, *words]
    stdin = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        with sandbox(), time_bound(TIME_BOUND):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse's usage errors: exit 2 with a usage line
                code = exc.code if isinstance(exc.code, int) else 2
    except Hang as exc:
        pytest.fail(f"supportkit {' '.join(argv)!r:.200}: {exc}")
    except Exception as exc:  # noqa: BLE001 - the point: nothing else may escape
        pytest.fail(
            f"supportkit {' '.join(argv)!r:.200}: {type(exc).__name__} escaped: {exc!r:.300}"
        )
    finally:
        sys.stdin = stdin
    assert code in (0, 1, 2), f"supportkit {argv!r:.200} exited {code}"


def test_the_fuzz_suite_sees_every_block() -> None:
    names = {n.split(".")[1] for n, _ in CALLABLES if n.count(".") >= 2}
    assert {"text", "rules", "sla", "metrics", "onboarding"} <= names
    assert len(CALLABLES) > 100
    assert {c[0] for c in COMMANDS} >= {"demo", "rules", "sla", "report"}
