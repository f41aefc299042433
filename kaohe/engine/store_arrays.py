"""The container of a stored run (see :mod:`kaohe.engine.store`): its zip entries, each read from its
offset without parsing the zip's central directory, and :class:`LazyArray`, an array read when used."""

from __future__ import annotations

import math
import struct
import zipfile
import zlib
from typing import Any

import numpy as np


class StoreError(ValueError):
    """A run that cannot be stored as it is, or a stored run that this code cannot read."""


_LOCAL = struct.Struct("<4s2B4HL2L2H")  # a zip entry's local header


class Entries:
    """The entries of one stored run, each decompressed on demand from its offset in the zip."""

    def __init__(self, view: memoryview, index: dict[str, list[int]]) -> None:
        self.view = view
        self.index = index

    @staticmethod
    def inflate(view: memoryview, offset: int, size: int) -> bytes:
        magic, _, _, _, method, _, _, _, _, _, name_len, extra_len = _LOCAL.unpack_from(view, offset)
        if magic != b"PK\x03\x04":
            raise StoreError(f"stored run damaged: no zip entry at {offset}")
        start = offset + _LOCAL.size + name_len + extra_len
        data = view[start : start + size]
        return bytes(data) if method == zipfile.ZIP_STORED else zlib.decompress(data, -15)

    def read(self, name: str) -> bytes:
        offset, size = self.index[name]
        try:
            return self.inflate(self.view, offset, size)
        except (zlib.error, struct.error) as exc:
            raise StoreError(f"stored run damaged: {name}: {exc}") from exc

    def array(self, name: str, dtype: np.dtype, shape: tuple[int, ...]) -> np.ndarray:
        """An .npy entry known to hold ``shape`` of ``dtype`` (C order): its header is skipped."""
        data = self.read(name)
        start = (
            10 + int.from_bytes(data[8:10], "little")
            if data[6] == 1
            else 12 + int.from_bytes(data[8:12], "little")
        )
        if len(data) - start != dtype.itemsize * math.prod(shape):
            raise StoreError(f"stored run damaged: {name} does not hold {shape} of {dtype}")
        return np.frombuffer(data, dtype=dtype, offset=start).reshape(shape)  # read-only


class LazyArray:
    """A stored array read when used: ``a[i]`` or ``a[i, …]`` with one integer row reads only the block of
    rows that holds it; anything else (other indexes, arithmetic, numpy functions, attributes) reads the
    whole array once and works on it. Looks like an ndarray to numpy (``__array__``, the ufunc and
    function protocols)."""

    def __init__(self, entries: Entries, node: dict[str, Any]) -> None:
        self._entries = entries
        self._key = node["$array"]
        self._as_object = bool(node.get("object"))
        self._block: int | None = node.get("block")
        self.shape = tuple(node["shape"])
        self._stored = np.dtype(node["dtype"])
        self.dtype = np.dtype(object) if self._as_object else self._stored
        self._blocks: dict[int, np.ndarray] = {}
        self._whole: np.ndarray | None = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def _read(self, name: str, rows: int | None = None) -> np.ndarray:
        shape = self.shape if rows is None else (rows, *self.shape[1:])
        a = self._entries.array(name, self._stored, shape)
        if not self._as_object:
            return a
        out = np.empty(shape, dtype=object)  # via Python str objects: 5× quicker than astype(object)
        out.reshape(-1)[:] = a.reshape(-1).tolist()
        return out

    def _part(self, b: int) -> np.ndarray:
        part = self._blocks.get(b)
        if part is None:
            assert self._block is not None
            rows = min(self._block, self.shape[0] - b * self._block)
            part = self._blocks[b] = self._read(f"a/{self._key}/{b}.npy", rows)
        return part

    def whole(self) -> np.ndarray:
        """The whole array (read once, then kept)."""
        if self._whole is None:
            if self._block is None:
                self._whole = self._read(f"a/{self._key}.npy").copy()
            else:
                n_blocks = -(-self.shape[0] // self._block)
                self._whole = np.concatenate([self._part(b) for b in range(n_blocks)])
                self._blocks.clear()
        return self._whole

    def __getitem__(self, key: Any) -> Any:
        if self._whole is None and self._block is not None:
            first, rest = (key[0], key[1:]) if type(key) is tuple and key else (key, ())
            if isinstance(first, int | np.integer) and not isinstance(first, bool | np.bool_):
                i = int(first)
                if not -self.shape[0] <= i < self.shape[0]:
                    raise IndexError(f"index {i} is out of bounds for axis 0 with size {self.shape[0]}")
                b, r = divmod(i % self.shape[0], self._block)
                return self._part(b)[(r, *rest)]
        return self.whole()[key]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = self.whole()
        return a if dtype is None else a.astype(dtype)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if "out" in kwargs:
            kwargs["out"] = tuple(_unwrap(x) for x in kwargs["out"])
        return getattr(ufunc, method)(*(_unwrap(x) for x in inputs), **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return func(*_unwrap(args), **_unwrap(kwargs))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.whole(), name)

    def __repr__(self) -> str:
        return f"LazyArray(shape={self.shape}, dtype={self.dtype})"

    __hash__ = None  # type: ignore[assignment]  # like ndarray: mutable, unhashable


def _unwrap(x: Any) -> Any:
    if isinstance(x, LazyArray):
        return x.whole()
    if type(x) in (list, tuple):
        return type(x)(_unwrap(v) for v in x)
    if type(x) is dict:
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _delegate(name: str) -> Any:
    def method(self: LazyArray, *args: Any) -> Any:
        return getattr(self.whole(), name)(*(_unwrap(a) for a in args))

    method.__name__ = name
    return method


_COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
_UNARY = ("neg", "pos", "abs", "invert", "iter", "bool", "int", "float", "index", "reversed")
_BINARY = (
    "add",
    "sub",
    "mul",
    "truediv",
    "floordiv",
    "mod",
    "pow",
    "and",
    "or",
    "xor",
    "matmul",
    "lshift",
    "rshift",
)
_OTHER = ("contains", "setitem", "divmod", "rdivmod", "copy", "deepcopy")

# Operators are looked up on the type, not through __getattr__: each one works on the whole array.
for _op in (
    *_COMPARISONS,
    *_UNARY,
    *_BINARY,
    *(f"r{op}" for op in _BINARY),
    *(f"i{op}" for op in _BINARY),
    *_OTHER,
):
    setattr(LazyArray, f"__{_op}__", _delegate(f"__{_op}__"))
