"""Text keys as numpy bytes arrays, matched and grouped without Python objects (the cohort reads).

The store keeps ids and categories as text. :meth:`egomap.store.Store.read_columns`
gives such columns as numpy bytes arrays (``dtype 'S<n>'``, UTF-8); these
functions turn them into integer positions: a vectorised 64-bit hash of the
bytes locates each value, and the bytes themselves are compared to confirm
it, so the results are exact (a hash collision only makes them take a slower
exact path).
"""

from __future__ import annotations

import numpy as np

__all__ = ["bytes_hash", "lookup", "factorize", "search", "cut_text"]

_SEED = np.uint64(0xCBF29CE484222325)
_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(29)


def as_bytes(values: object) -> np.ndarray:
    """Any sequence of text (or an array of it) as a numpy UTF-8 bytes array; None becomes ``b""``."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "S":
        return values
    items = list(values)  # type: ignore[call-overload]
    out = None
    if None not in items and all(isinstance(v, str) for v in items):
        try:
            out = np.array(items, dtype="S")  # ASCII text, in one call
        except UnicodeEncodeError:
            out = None
    if out is None:
        out = np.array([b"" if v is None else str(v).encode("utf-8") for v in items], dtype="S")
    return out.reshape(len(items)) if out.dtype.itemsize else out.astype("S1").reshape(len(items))


def bytes_hash(a: np.ndarray) -> np.ndarray:
    """A 64-bit hash (uint64) of each element of a bytes array, computed a word at a time.

    Examples
    --------
    >>> import numpy as np
    >>> h = bytes_hash(np.array([b"ab", b"ab", b"abc"]))
    >>> bool(h[0] == h[1]), bool(h[0] == h[2])
    (True, False)
    >>> bool(bytes_hash(np.array([b"ab"], dtype="S40"))[0] == h[0])  # the width does not matter
    True
    """
    a = np.ascontiguousarray(a)
    n, w = len(a), a.dtype.itemsize
    w8 = -(-w // 8) * 8
    raw = a.view(np.uint8).reshape(n, w)
    if w8 != w:
        padded = np.zeros((n, w8), dtype=np.uint8)
        padded[:, :w] = raw
        raw = padded
    # word j of every value side by side (contiguous), and the arithmetic in place: no temporary per step
    words = np.ascontiguousarray(raw.view("<u8").reshape(n, w8 // 8).T)
    h = np.full(n, _SEED, dtype=np.uint64)
    step, tmp = np.empty(n, dtype=np.uint64), np.empty(n, dtype=np.uint64)
    for word in words:
        np.bitwise_xor(h, word, out=step)
        np.multiply(step, _PRIME, out=step)
        np.right_shift(step, _SHIFT, out=tmp)
        np.bitwise_xor(step, tmp, out=step)
        np.multiply(step, _MIX, out=step)
        # a word of zeros is padding (text holds no NUL): the same value hashes alike in arrays of any width
        np.copyto(h, step, where=word != 0)
    return h


def search(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``np.searchsorted(sorted_keys, keys)`` clipped to valid positions, the keys searched in order.

    Searching sorted keys walks the array from left to right, which is
    several times faster on large arrays than searching them in random order.

    Examples
    --------
    >>> import numpy as np
    >>> search(np.array([10, 20, 30]), np.array([30, 10, 99])).tolist()
    [2, 0, 2]
    """
    if len(keys) < 4096 or not len(sorted_keys):
        return np.minimum(np.searchsorted(sorted_keys, keys), max(len(sorted_keys) - 1, 0))
    order = np.argsort(keys, kind="stable")
    out = np.empty(len(keys), dtype=np.int64)
    out[order] = np.searchsorted(sorted_keys, keys[order])
    return np.minimum(out, len(sorted_keys) - 1)


def lookup(universe: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The position of each of ``values`` in ``universe`` (distinct bytes), -1 where it is not there.

    Examples
    --------
    >>> import numpy as np
    >>> lookup(np.array([b"m1", b"m2", b"m3"]), np.array([b"m3", b"m1", b"x"])).tolist()
    [2, 0, -1]
    """
    n = len(universe)
    if n == 0 or len(values) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    head = np.r_[True, values[1:] != values[:-1]]
    if np.count_nonzero(head) * 2 < len(values):  # runs of one value (rows grouped by map): look up each run once
        starts = np.flatnonzero(head)
        return np.repeat(lookup(universe, values[starts]), np.diff(np.r_[starts, len(values)]))
    hu = bytes_hash(universe)
    order = np.argsort(hu, kind="stable")
    hs = hu[order]
    if np.any(hs[1:] == hs[:-1]):  # a collision (or a repeated value): compare the bytes themselves
        order = np.argsort(universe, kind="stable")
        us = universe[order]
        pos = np.minimum(np.searchsorted(us, values), n - 1)
        return np.where(us[pos] == values, order[pos], -1).astype(np.int64)
    hv = bytes_hash(values)
    pos = search(hs, hv)
    idx = order[pos].astype(np.int64)
    found = (hs[pos] == hv) & (universe[idx] == values)
    return np.where(found, idx, -1)


def factorize(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a bytes array and its distinct values, in order of first appearance.

    Like :func:`pandas.factorize`, without making a Python object per element.

    Examples
    --------
    >>> import numpy as np
    >>> codes, uniques = factorize(np.array([b"b", b"a", b"b", b""]))
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, 0, 2], [b'b', b'a', b''])
    """
    import pandas as pd

    if len(a) == 0:
        return np.zeros(0, dtype=np.int64), a[:0]
    # the hashes grouped in a hash table (no sort), codes in order of first appearance
    codes, _ = pd.factorize(bytes_hash(a))
    uniques = a[pd.Series(codes).drop_duplicates().index.to_numpy()]
    if not np.any(uniques[codes] != a):
        return codes.astype(np.int64), uniques
    # a collision: group by the bytes themselves
    _, first, inv = np.unique(a, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    by_first = np.argsort(first, kind="stable")
    rank[by_first] = np.arange(len(first))
    return rank[inv.ravel()], a[first[by_first]]


def cut_text(s: str, n: int, sep: str) -> np.ndarray | None:
    """``n`` values joined by ``sep`` as a bytes array; None if ``sep`` occurs inside a value.

    Values all of one width (ids, pseudonyms) are cut by reshaping the buffer,
    with no Python object per value; others are split.

    Examples
    --------
    >>> cut_text("ab,cd,ef", 3, ",").tolist(), cut_text("a,bcd", 2, ",").tolist(), cut_text("a,b", 3, ",")
    ([b'ab', b'cd', b'ef'], [b'a', b'bcd'], None)
    """
    if n == 0:
        return np.zeros(0, dtype="S1")
    b = s.encode("utf-8")
    code = ord(sep)
    buf = np.frombuffer(b, dtype=np.uint8)
    w, rest = divmod(len(b) + 1, n)
    if not rest and w > 1 and np.count_nonzero(buf == code) == n - 1 and (buf[w - 1 :: w] == code).all():
        grid = np.lib.stride_tricks.as_strided(buf, shape=(n, w - 1), strides=(w, 1))
        return np.ascontiguousarray(grid).view(f"S{w - 1}").ravel()
    values = b.split(sep.encode())
    if len(values) != n:
        return None
    out = np.array(values, dtype="S")
    return out if out.dtype.itemsize else out.astype("S1")
