"""Exceptions raised by egomap.

Every error a user can cause raises a subclass of :class:`EgomapError` whose
message names the field, value, file or row that is wrong. The classes also
subclass the matching built-in (``ValueError``, ``LookupError``) so that
ordinary ``except ValueError`` code keeps working.
"""

from __future__ import annotations

__all__ = [
    "EgomapError",
    "ValidationError",
    "NotFoundError",
    "DuplicateError",
    "StoreError",
    "NotAStoreError",
    "SaveError",
    "InputFileError",
]


class EgomapError(Exception):
    """Base class of every egomap error."""


class ValidationError(EgomapError, ValueError):
    """A value given by the user is not acceptable.

    Parameters
    ----------
    message : str
        What is wrong, in plain words.
    field : str, optional
        The name of the field that holds the bad value.
    value : object, optional
        The bad value itself.
    """

    def __init__(self, message: str, *, field: str | None = None, value: object = None):
        super().__init__(message)
        self.field = field
        self.value = value


class NotFoundError(EgomapError, LookupError):
    """A person, map, alter or goal that was asked for does not exist."""

    def __str__(self) -> str:  # LookupError/KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DuplicateError(ValidationError):
    """Something that must be unique (a person id) already exists."""


class StoreError(EgomapError):
    """The store could not be opened, read or written."""


class NotAStoreError(StoreError, ValueError):
    """The file exists but is not an egomap store."""


class SaveError(StoreError):
    """An edit could not be saved; the store is unchanged."""


class InputFileError(ValidationError):
    """A file being imported is malformed.

    Parameters
    ----------
    message : str
        What is wrong.
    path : str, optional
        The file.
    row : int, optional
        The 1-based data row (not counting the header), if known.
    column : str, optional
        The column, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: object = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ):
        where = []
        if path is not None:
            where.append(f"file {str(path)!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        full = f"{', '.join(where)}: {message}" if where else message
        super().__init__(full, field=column, value=value)
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
