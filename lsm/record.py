"""A light base for mutable records, in place of ``@dataclass(slots=True)``.

``dataclasses`` imports ``inspect`` (and with it ``ast``, ``dis``,
``tokenize``...), about 15 ms a hook pays before doing anything. Records on
the hook path subclass :class:`Record` instead: each declares its
``__slots__``, an explicit ``__init__``, and ``_fields`` (the field names
in declaration order); this base supplies what the dataclass did with
them: ``__eq__`` (same class, all fields equal), ``__repr__``
(``Name(field=value, ...)``), no hashing, ``__match_args__``, and
:meth:`Record.replace` (``dataclasses.replace``: a copy with some fields
changed, through the class's own ``__init__``).

Immutable records use :class:`typing.NamedTuple` instead, or, when they
validate their fields or need a fresh default per instance (what
``__post_init__`` and ``field(default_factory=...)`` did), :class:`FrozenRecord`.

:class:`Struct` is the short form of a mutable record: each field is
declared once, as an annotated class attribute (with its default, or
``field(default_factory=list)``), and the class gets ``__slots__``,
``_fields`` and an ``__init__`` taking the fields in order (type checkers
see it as a dataclass). Its metaclass reads the class body's annotations as
strings; nothing is evaluated or imported.

:class:`NamedTuple` is ``typing.NamedTuple`` without its cost: the same
class syntax and the same class (``collections.namedtuple`` with the body's
methods and defaults), but the annotations are kept as the strings they
are instead of being compiled one by one into ``typing.ForwardRef``
objects, which made ``typing.NamedTuple`` about twice as slow to define a
class with (the hook path defines 54; docs/benchmarks.md, "Hook
start-up"). Type checkers see ``typing.NamedTuple`` itself.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar, dataclass_transform

__all__ = ["FrozenRecord", "NamedTuple", "Record", "Struct", "field"]

T = TypeVar("T")


class Record:
    """Equality and ``repr`` over ``_fields``, like a dataclass's."""

    __slots__ = ()

    #: Field names in declaration order (``__slots__`` is kept sorted).
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__match_args__ = cls._fields  # type: ignore[attr-defined,misc]

    def _astuple(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def replace(self, **changes: Any) -> Self:
        """A new record of the same class with ``changes`` applied (``dataclasses.replace``).

        Goes through ``__init__``, so its checks and defaults apply; the
        fields not changed are shared with this record, not copied.

        :raises TypeError: a name in ``changes`` is not a field.
        """
        unknown = changes.keys() - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__qualname__} has no field {', '.join(sorted(unknown))}")
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record) and other.__class__ is self.__class__:
            return self._astuple() == other._astuple()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        body = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({body})"


# For type checkers only (it costs nothing at run time): the fields of a
# FrozenRecord are read-only, as a frozen dataclass's are.
@dataclass_transform(frozen_default=True)
class FrozenRecord(Record):
    """A :class:`Record` that cannot change, like a ``frozen=True`` dataclass's instances.

    ``__init__`` sets the fields with ``object.__setattr__``; afterwards
    assigning or deleting any attribute raises :class:`AttributeError`.
    Instances hash by their fields (and fail to if a field is unhashable),
    and copy and pickle through their positional ``__init__``.
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of {type(self).__qualname__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of {type(self).__qualname__}")

    def __hash__(self) -> int:  # type: ignore[override]  # Record's is None
        return hash(self._astuple())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._astuple())


class _Factory:
    """A per-instance default: ``make()`` is called for each new record."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], T]) -> T:
    """A field whose default is made fresh for each instance (``dataclasses.field``)."""
    return _Factory(default_factory)  # type: ignore[return-value]


_MISSING = object()


@dataclass_transform(field_specifiers=(field,))
class _StructMeta(type):
    """Turns the annotated attributes of a :class:`Struct` body into its fields."""

    def __new__(mcls, name: str, bases: tuple[type, ...], ns: dict[str, Any], **kw: Any) -> Any:
        if ns.get("_abstract_struct"):
            return super().__new__(mcls, name, bases, ns, **kw)
        annotations: dict[str, Any] = ns.get("__annotations__", {})
        fields = tuple(
            k
            for k, v in annotations.items()
            if not str(v).startswith(("ClassVar", "typing.ClassVar"))
        )
        defaults = {k: ns.pop(k) for k in fields if k in ns}
        ns["__slots__"] = fields
        ns["_fields"] = fields
        ns["_defaults"] = defaults
        return super().__new__(mcls, name, bases, ns, **kw)


class Struct(Record, metaclass=_StructMeta):
    """A mutable :class:`Record` whose fields are declared once (see the module docstring).

    ``Struct(a, b, c=...)``: positional arguments fill the fields in order,
    keywords by name, the rest take their defaults.

    :raises TypeError: a field without a default is missing, or an argument is unknown.
    """

    _abstract_struct: ClassVar[bool] = True
    __slots__ = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__qualname__} takes {len(fields)} fields")
        defaults = self._defaults
        for i, name in enumerate(fields):
            if i < len(args):
                value = args[i]
            else:
                value = kwargs.pop(name, _MISSING)
                if value is _MISSING:
                    value = defaults.get(name, _MISSING)
                    if value is _MISSING:
                        raise TypeError(f"{type(self).__qualname__} needs {name}")
                    if isinstance(value, _Factory):
                        value = value.make()
            setattr(self, name, value)
        if kwargs:
            raise TypeError(f"{type(self).__qualname__} has no field {', '.join(kwargs)}")


#: What ``typing.NamedTuple`` leaves out of the class it makes from a body.
_NOT_COPIED = frozenset({"__module__", "__annotations__", "__orig_bases__"})
#: What a body may not define, as ``typing.NamedTuple`` refuses it.
_PROHIBITED = frozenset(
    {
        "__new__",
        "__init__",
        "__slots__",
        "__getnewargs__",
        "_fields",
        "_field_defaults",
        "_make",
        "_replace",
        "_asdict",
        "_source",
    }
)


class _NamedTupleMeta(type):
    """Makes a ``collections.namedtuple`` of a class body, as ``typing.NamedTupleMeta`` does."""

    def __new__(mcls, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> Any:
        if ns.get("_abstract_tuple"):
            return super().__new__(mcls, name, bases, ns)
        annotations: dict[str, Any] = ns.get("__annotations__", {})
        defaults = []
        for key in annotations:
            if key in ns:
                defaults.append(ns[key])
            elif defaults:
                raise TypeError(f"{name}: field {key} without a default follows one with a default")
        # The dynamic form typing.NamedTuple uses too (mypy checks only literal calls).
        make: Any = namedtuple
        cls = make(name, tuple(annotations), defaults=defaults, module=ns["__module__"])
        cls.__annotations__ = annotations  # the strings, as written
        for key, value in ns.items():
            if key in _PROHIBITED:
                raise AttributeError(f"{name}: cannot overwrite NamedTuple attribute {key}")
            if key not in _NOT_COPIED and key not in annotations:
                setattr(cls, key, value)
        return cls


class _FastNamedTuple(metaclass=_NamedTupleMeta):
    """The base of :class:`NamedTuple` subclasses at run time (it never is one of their bases)."""

    _abstract_tuple: ClassVar[bool] = True


if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    NamedTuple = _FastNamedTuple
