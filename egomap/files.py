"""Owner-only files: everything egomap writes that can carry a name is readable by its owner only.

Exports, widget pictures, saved change views and figures saved through egomap
are created with mode 0600 and the folders egomap creates for them 0700,
whatever the umask, as the store itself is: on a shared server (JupyterHub)
other users cannot read them. A file that already exists is made 0600 before
it is written again; folders that already exist are left as they are.

Examples
--------
>>> import os, stat, tempfile
>>> from egomap import files
>>> path = files.write_text(os.path.join(tempfile.mkdtemp(), "new", "notes.txt"), "Mum")
>>> oct(stat.S_IMODE(path.stat().st_mode)), oct(stat.S_IMODE(path.parent.stat().st_mode))
('0o600', '0o700')
"""

from __future__ import annotations

import os
from pathlib import Path

from egomap.errors import EgomapError

__all__ = ["FILE_MODE", "FOLDER_MODE", "private_folder", "private_file", "write_text", "write_bytes"]

#: Mode of every file egomap writes (owner read and write).
FILE_MODE = 0o600
#: Mode of every folder egomap creates (owner only).
FOLDER_MODE = 0o700


def private_folder(path: str | os.PathLike) -> Path:
    """The folder ``path``, created (with any missing parents) owner-only if it does not exist.

    Examples
    --------
    >>> import stat, tempfile
    >>> p = private_folder(Path(tempfile.mkdtemp()) / "a" / "b")
    >>> oct(stat.S_IMODE(p.stat().st_mode)), oct(stat.S_IMODE(p.parent.stat().st_mode))
    ('0o700', '0o700')
    """
    p = Path(path).expanduser()
    missing = []
    q = p
    while not q.exists() and q != q.parent:
        missing.append(q)
        q = q.parent
    try:
        for folder in reversed(missing):
            try:
                folder.mkdir(mode=FOLDER_MODE)
            except FileExistsError:  # made meanwhile by another process: leave it as it is
                continue
            os.chmod(folder, FOLDER_MODE)  # mkdir's mode is reduced by the umask
    except OSError as e:
        raise EgomapError(f"cannot create the folder {str(p)!r}: {e.strerror}") from e
    if not p.is_dir():
        raise EgomapError(f"{str(p)!r} is a file, not a folder")
    return p


def private_file(path: str | os.PathLike) -> Path:
    """Make ``path`` an owner-only file (empty if new) in an owner-only folder, ready to be written.

    Writers that open the file themselves (matplotlib, networkx) keep its mode
    when they write it again.

    Examples
    --------
    >>> import stat, tempfile
    >>> p = private_file(Path(tempfile.mkdtemp()) / "map.svg")
    >>> oct(stat.S_IMODE(p.stat().st_mode)), p.stat().st_size
    ('0o600', 0)
    """
    p = Path(path).expanduser()
    private_folder(p.parent)
    try:
        os.close(os.open(p, os.O_WRONLY | os.O_CREAT, FILE_MODE))
        os.chmod(p, FILE_MODE)  # an existing file, or a umask that took bits away
    except OSError as e:
        raise EgomapError(f"cannot write {str(p)!r}: {e.strerror}") from e
    return p


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to an owner-only file; return its path.

    Examples
    --------
    >>> import tempfile
    >>> write_text(Path(tempfile.mkdtemp()) / "a.txt", "hello").read_text()
    'hello'
    """
    p = private_file(path)
    with open(p, "w", encoding=encoding, newline="") as f:
        f.write(text)
    return p


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to an owner-only file; return its path.

    Examples
    --------
    >>> import tempfile
    >>> write_bytes(Path(tempfile.mkdtemp()) / "a.bin", b"x").read_bytes()
    b'x'
    """
    p = private_file(path)
    with open(p, "wb") as f:
        f.write(data)
    return p
