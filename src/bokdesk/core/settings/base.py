"""What every settings table shares: strict checking, limits, naming a key, and building from TOML.

This module and the tables it serves import only the standard library: the console's fast start
builds its settings before its first frame, when importing pydantic (100-250 ms) is not
affordable. ``check`` validates the same dataclasses with pydantic where it is loaded anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import MISSING, Field, fields, is_dataclass
from datetime import date
from types import NoneType, UnionType
from typing import Any, ClassVar, TypeVar, Union, get_args, get_origin, get_type_hints

from ..errors import ConfigError

Key = tuple[str, ...]
T = TypeVar("T")

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class Section:
    """Base of every settings table: read-only, built by keyword, checked strictly by pydantic.

    The tables are dataclasses without generated methods (``init=False, repr=False, eq=False``):
    Python compiles each generated method when the class is made, which cost the fast start a few
    milliseconds for these tables; the methods below serve them all.
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = {
        "extra": "forbid",
        "strict": True,  # no "8" for 8, no "yes" for true: what TOML typed is what counts
        "revalidate_instances": "always",  # ``build`` makes the instances; ``check`` checks them
    }

    def __init__(self, **values: Any) -> None:
        for f in fields(self):  # type: ignore[arg-type]  # a dataclass instance typed as its base
            if f.name in values:
                value = values.pop(f.name)
            elif f.default is not MISSING:
                value = f.default
            elif f.default_factory is not MISSING:
                value = f.default_factory()
            else:
                raise TypeError(f"{type(self).__name__} needs {f.name!r}")
            object.__setattr__(self, f.name, value)
        if values:
            raise TypeError(f"{type(self).__name__} has no setting {sorted(values)[0]!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"settings are read-only; use dataclasses.replace (setting {name!r})")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(self))  # type: ignore[arg-type]  # a dataclass instance typed as its base

    __hash__ = None  # type: ignore[assignment]  # settings are mutable, so not hashable

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]  # a dataclass instance typed as its base
        return f"{type(self).__name__}({', '.join(shown)})"


class Bound:
    """Limits of a number (``Annotated[int, Bound(ge=1)]``), checked by pydantic.

    A plain class with pydantic's hook rather than ``annotated_types``, whose import would cost the
    fast start more than all of this module.
    """

    __slots__ = ("ge", "gt", "le")

    def __init__(self, *, ge: float | None = None, gt: float | None = None, le: float | None = None) -> None:
        self.ge, self.gt, self.le = ge, gt, le

    def limits(self) -> dict[str, float]:
        """The limits that are set, by pydantic's names (``ge``, ``gt``, ``le``)."""
        pairs = (("ge", self.ge), ("gt", self.gt), ("le", self.le))
        return {name: value for name, value in pairs if value is not None}

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema.update(self.limits())  # int and float schemas take ge / gt / le themselves
        return schema

    def __repr__(self) -> str:
        return f"Bound({', '.join(f'{k}={v}' for k, v in self.limits().items())})"


class SettingError(ConfigError):
    """A setting that is unknown or wrong; ``key`` names it so the loader can name its file.

    A code and its values like every error (``core/errors.py``); the values ``setting``
    (``[mail.imap] port``) and ``table`` (``mail.imap``) name the key."""

    def __init__(self, key: Key, code: str, /, **params: Any) -> None:
        super().__init__(code, setting=setting_name(key), table=key_name(key), **params)
        self.key = key

    @classmethod
    def unknown(cls, key: Key, *, table: bool = False) -> SettingError:
        if len(key) == 1 and table:
            return cls(key, "section_unknown")
        return cls(key, "setting_unknown")

    @classmethod
    def wrong(cls, key: Key, problem: str) -> SettingError:
        """``[mail.imap] port must be …``: ``problem`` says what it must be (from its type)."""
        return cls(key, "setting_wrong", problem=problem)


def key_name(key: Key) -> str:
    """Dotted TOML key; parts that are not bare keys are quoted (``keys."queue.take"``)."""
    return ".".join(part if _BARE_KEY.match(part) else f'"{part}"' for part in key)


def setting_name(key: Key) -> str:
    """How a message names a setting: ``[ui] language``, ``[mail.imap] port``, ``foo``."""
    if len(key) == 1:
        return key_name(key)
    return f"[{key_name(key[:-1])}] {key_name(key[-1:])}"


def toml_key(f: Field[Any]) -> str:
    """The key of a field in the TOML file (``from`` for ``from_``)."""
    return str(f.metadata.get("key", f.name))


def is_secret(f: Field[Any]) -> bool:
    """Whether a field holds a secret, whose value no message may show."""
    return bool(f.metadata.get("secret", False))


_TYPES: dict[type, dict[str, Any]] = {}


def field_types(cls: type) -> dict[str, Any]:
    """The fields' types of a settings table, with ``Annotated`` kept (for limits and docs)."""
    types = _TYPES.get(cls)
    if types is None:
        types = _TYPES[cls] = get_type_hints(cls, include_extras=True)
    return types


def table_class(annotation: Any) -> type | None:
    """The settings table a field holds (``ImapSettings`` for ``ImapSettings | None``), if any."""
    annotation = strip_annotated(annotation)
    if is_dataclass(annotation) and isinstance(annotation, type):
        return annotation
    if get_origin(annotation) in (Union, UnionType):
        for arg in get_args(annotation):
            if is_dataclass(arg) and isinstance(arg, type):
                return arg
    return None


def strip_annotated(annotation: Any) -> Any:
    """``int`` for ``Annotated[int, Bound(ge=1)]``."""
    return annotation.__origin__ if hasattr(annotation, "__metadata__") else annotation


def build(cls: type[T], table: Mapping[str, Any], key: Key = ()) -> T:
    """The settings table ``cls`` from a TOML table.

    Unknown keys and a value where a table belongs are refused here; the values' types are not
    looked at (``check.check`` does that), so the fast start can build its settings cheaply.
    """
    by_key = {toml_key(f): f for f in fields(cls)}  # type: ignore[arg-type]  # a dataclass instance typed as its base
    types = field_types(cls)
    values: dict[str, Any] = {}
    for name, value in table.items():
        f = by_key.get(name)
        if f is None:
            raise SettingError.unknown((*key, name), table=isinstance(value, Mapping))
        inner = table_class(types[f.name])
        if inner is not None:
            if not isinstance(value, Mapping):
                raise SettingError((*key, name), "setting_not_table")
            value = build(inner, value, (*key, name))
        values[f.name] = value
    return cls(**values)


def expectation(f: Field[Any], annotation: Any) -> str:
    """What a field's value must be: its own words (``metadata["expect"]``), else its type's."""
    return str(f.metadata.get("expect") or describe(annotation))


def describe(annotation: Any) -> str:
    """What a value of this type is, in a message or the docs: ``a whole number``, ``one of "a", "b"``."""
    annotation = strip_annotated(annotation)
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        parts = [describe(arg) for arg in get_args(annotation) if arg is not NoneType]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    if str(origin) == "typing.Literal":
        return "one of " + ", ".join(f'"{arg}"' for arg in get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation)
        return "a list of " + _plural(item)
    if origin is dict or table_class(annotation) is not None:
        return "a table"
    return _WORDS.get(annotation, getattr(annotation, "__name__", str(annotation)))


_WORDS: dict[Any, str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "a string",
    date: "a date",
}

_PLURALS: dict[Any, str] = {str: "strings", date: "dates", int: "whole numbers", float: "numbers"}


def _plural(annotation: Any) -> str:
    if get_origin(annotation) in (Union, UnionType):
        return " or ".join(_plural(arg) for arg in get_args(annotation))
    return _PLURALS.get(annotation, describe(annotation))


def shown(value: Any) -> str | None:
    """A short TOML-like rendering of a wrong value for a message; None for tables and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int | float | date):
        return str(value)
    return None
