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
"""

from __future__ import annotations

from typing import Any, ClassVar, Self, dataclass_transform

__all__ = ["FrozenRecord", "Record"]


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
