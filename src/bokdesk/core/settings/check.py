"""Checking settings with pydantic: every value's type and limits, each problem one line.

Imported only where the settings are checked (the command line and the console's desk, which load
pydantic with SQLModel anyway); the fast start builds its settings without it.
"""

from __future__ import annotations

from dataclasses import Field, fields, is_dataclass
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from .base import (
    Key,
    SettingError,
    describe,
    expectation,
    field_types,
    is_secret,
    shown,
    strip_annotated,
    toml_key,
)

T = TypeVar("T")

_ADAPTERS: dict[type, TypeAdapter[Any]] = {}

_LIMITS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def check(settings: T, key: Key = ()) -> T:
    """``settings`` checked strictly (a new instance); the first problem as a ``SettingError``.

    ``key`` is where the table sits in the file (``("mail",)`` for a ``MailSettings``)."""
    cls = type(settings)
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    try:
        return adapter.validate_python(settings)
    except ValidationError as exc:
        raise _problem(settings, exc.errors(include_url=False), key) from None


def _problem(settings: object, errors: list[ErrorDetails], key: Key) -> SettingError:
    """The error that names the deepest key (in a union, the member the value came closest to)."""
    found = [_locate(settings, error, key) for error in errors]
    path, error, annotation, fld, value = max(found, key=lambda item: len(item[0]))
    limit = _LIMITS.get(error["type"])
    if limit is not None:
        bound = (error.get("ctx") or {}).get(limit[0])
        problem = f"must be {limit[1]} {bound:g}" if isinstance(bound, int | float) else error["msg"]
    else:
        problem = f"must be {expectation(fld, annotation) if fld is not None else describe(annotation)}"
    text = shown(value)
    if text is not None and not (fld is not None and is_secret(fld)):
        problem += f", not {text}"
    return SettingError.wrong(path, problem)


def _locate(
    settings: object, error: ErrorDetails, key: Key
) -> tuple[Key, ErrorDetails, Any, Field[Any] | None, Any]:
    """Follow an error's location through the tables: the key, its type, field and value.

    Parts that name no key (a union member's tag, a list's index) leave it at the value they
    belong to: a wrong item is reported as its list."""
    path = list(key)
    node: Any = settings
    annotation: Any = type(settings)
    fld: Field[Any] | None = None
    for part in error["loc"]:
        if is_dataclass(node) and isinstance(part, str) and part in _names(type(node)):
            fld = _names(type(node))[part]
            annotation = field_types(type(node))[part]
            node = getattr(node, part)
            path.append(toml_key(fld))
        elif isinstance(node, dict) and part in node:
            annotation = _dict_value(annotation)
            node = node[part]
            fld = None
            path.append(str(part))
    return tuple(path), error, annotation, fld, node


def _names(cls: type) -> dict[str, Field[Any]]:
    return {f.name: f for f in fields(cls)}


def _dict_value(annotation: Any) -> Any:
    """The value type of the table type in ``annotation`` (``dict[str, X]`` or a union holding it)."""
    annotation = strip_annotated(annotation)
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    for option in options:
        if get_origin(option) is dict:
            return get_args(option)[1]
    return Any
