"""Stored runs that outlive the code, and the parsed-scheme cache.

A computed run (the engine's :class:`~kaohe.engine.result.Result` with its period data) is stored as
one zip file, never as a pickle:

- ``run.json``: the format name and version, the scheme's file name, the object tree as JSON and the
  offset of every entry (the archive's comment says where run.json is, so that reading parses
  neither the zip's central directory nor any entry it does not use);
- ``scheme.yaml``: the scheme's text. Scheme objects are not serialised: the tree refers to them by
  their path in the scheme, and reading parses the text again (through the cache below);
- ``a/<k>.npy`` or, for arrays of more than :data:`BLOCK_BYTES`, ``a/<k>/<b>.npy``: each array as a
  ``.npy`` entry (no pickled objects), large ones cut into blocks of rows, each entry compressed by
  itself. The lazy reader (:func:`loads`, :class:`~kaohe.engine.store_arrays.LazyArray`) decompresses
  an array only when it is used, and one block when one row is indexed: a person's derivation reads a
  few rows of each column, not the whole run.

The tree is encoded generically, so that the stored form follows whatever the engine's classes hold:
numpy arrays (no object dtype, except arrays of str), None, bool, int, float, str, lists, tuples,
dicts with str keys, enum members, and instances of dataclasses or plain classes defined under
``kaohe.engine`` (by qualified name, fields by name). Anything else is refused with :class:`StoreError`.
Reading reconstructs only classes defined under ``kaohe.engine`` and imports nothing else. A dataclass
field added since a run was stored takes its default (no default: :class:`StoreError`, the run must be
recomputed); a field dropped since is ignored.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib
import io
import json
import math
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from typing import Any

import numpy as np

from kaohe.engine.scheme import Model, Scheme
from kaohe.engine.scheme_load import load_scheme
from kaohe.engine.store_arrays import Entries, LazyArray, StoreError

__all__ = ["LazyArray", "StoreError", "cached_scheme", "clear_scheme_cache", "dumps", "loads"]

FORMAT = "kaohe-run"
VERSION = 1
BLOCK_BYTES = 64 * 1024  # uncompressed size of one block of rows (a few hundred to a few thousand rows)
SCHEME_CACHE_SIZE = 32
ENGINE = "kaohe.engine"
ARRAY_KINDS = "biufcUSMm"  # bool, integers, floats, complex, text, bytes, dates, durations
_ROOT = "run"


# --- the parsed-scheme cache -------------------------------------------------------------------------

_schemes: OrderedDict[tuple[str, str], Scheme] = OrderedDict()
_schemes_lock = threading.Lock()


def cached_scheme(text: str, file: str = "scheme.yaml") -> Scheme:
    """:func:`~kaohe.engine.scheme.load_scheme`, remembered per process by the sha256 of the text and
    the file name (the last :data:`SCHEME_CACHE_SIZE` schemes). Parsing is pure and scheme objects are
    frozen and never changed after loading, so callers share one object. Errors are not remembered."""
    key = (hashlib.sha256(text.encode()).hexdigest(), file)
    with _schemes_lock:
        hit = _schemes.get(key)
        if hit is not None:
            _schemes.move_to_end(key)
            return hit
    scheme = load_scheme(text, file=file)
    with _schemes_lock:
        _schemes[key] = scheme
        while len(_schemes) > SCHEME_CACHE_SIZE:
            _schemes.popitem(last=False)
    return scheme


def clear_scheme_cache() -> None:
    """Forget every cached scheme (tests)."""
    with _schemes_lock:
        _schemes.clear()


# --- writing -----------------------------------------------------------------------------------------


def dumps(
    obj: object, *, scheme_text: str | None = None, scheme_file: str = "scheme.yaml", level: int = 2
) -> bytes:
    """Encode ``obj`` (typically a Result) as a stored run. ``scheme_text`` is the text of the scheme
    the run holds (required when it holds one; checked against it). ``level`` is zlib's: at 2, 100,000
    people's run is written in about a second and is no larger than its pickle was."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        encoder = _Encoder(zf, scheme_text, scheme_file)
        root = encoder.node(obj, _ROOT)
        encoder.resolve_pending()
        if scheme_text is not None:
            zf.writestr("scheme.yaml", scheme_text)
        # Where each entry's bytes are, so that a reader need not parse the zip's central directory
        # (thousands of entries); the archive's comment says where run.json is.
        entries = {i.filename: [i.header_offset, i.compress_size] for i in zf.infolist()}
        head = {"format": FORMAT, "version": VERSION, "scheme_file": scheme_file, "entries": entries}
        head["root"] = root
        zf.writestr("run.json", json.dumps(head, ensure_ascii=False, allow_nan=False))
        last = zf.infolist()[-1]
        zf.comment = f"{FORMAT} {last.header_offset} {last.compress_size}".encode()
    return buffer.getvalue()


def _class_name(cls: type) -> str | None:
    """``module:qualname`` of a class defined under kaohe.engine, else None."""
    module = getattr(cls, "__module__", "")
    if (module == ENGINE or module.startswith(ENGINE + ".")) and "<locals>" not in cls.__qualname__:
        return f"{module}:{cls.__qualname__}"
    return None


def _model_paths(model: Model) -> dict[int, list[str | int]]:
    """id → path (attribute names, dict keys, list positions) of every scheme model inside ``model``."""
    out: dict[int, list[str | int]] = {}

    def walk(value: Any, path: list[str | int]) -> None:
        if isinstance(value, Model):
            out.setdefault(id(value), path)
            for name in type(value).model_fields:
                walk(getattr(value, name), [*path, name])
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, [*path, k])
        elif isinstance(value, list | tuple):
            for j, v in enumerate(value):
                walk(v, [*path, j])

    walk(model, [])
    return out


class _Encoder:
    def __init__(self, zf: zipfile.ZipFile, scheme_text: str | None, scheme_file: str) -> None:
        self.zf = zf
        self.scheme_text = scheme_text
        self.scheme_file = scheme_file
        self.arrays: dict[int, tuple[np.ndarray, dict[str, Any]]] = {}  # id → (array kept alive, node)
        self.objects: dict[int, tuple[object, int]] = {}  # id → (object kept alive, serial)
        self.paths: dict[int, list[str | int]] = {}  # scheme model id → path in the scheme
        self.pending: list[tuple[dict[str, Any], Model, str]] = []  # scheme models met before their scheme
        self.open: set[int] = set()  # containers being encoded (a cycle through them is refused)

    def refuse(self, where: str, what: str) -> StoreError:
        return StoreError(f"{where}: {what} cannot be stored")

    def node(self, v: Any, where: str) -> Any:
        t = type(v)
        if v is None or t is bool or t is str or t is int:
            return v
        if t is float:
            return v if math.isfinite(v) else {"$float": repr(v)}
        if isinstance(v, enum.Enum):
            return {"$enum": self.engine_class(t, where), "name": v.name}
        if isinstance(v, np.generic):
            return self.scalar(v, where)
        if t is np.ndarray:
            return self.array(v, where)
        if t is LazyArray:  # a run read back and stored again
            return self.array(v.whole(), where)
        if t in (list, tuple, dict, set, frozenset):
            return self.container(v, where)
        if isinstance(v, Model):
            return self.scheme_ref(v, where)
        return self.instance(v, where)

    def engine_class(self, cls: type, where: str) -> str:
        name = _class_name(cls)
        if name is None:
            raise self.refuse(where, f"a {cls.__module__}.{cls.__qualname__} (only kaohe.engine classes)")
        return name

    def scalar(self, v: np.generic, where: str) -> dict[str, Any]:
        if v.dtype.kind not in "biuf":
            raise self.refuse(where, f"a numpy {v.dtype} scalar")
        value = v.item()
        return {"$scalar": v.dtype.str, "value": self.node(value, where)}

    def container(self, v: Any, where: str) -> Any:
        if id(v) in self.open:
            raise self.refuse(where, "a container that contains itself")
        self.open.add(id(v))
        try:
            if isinstance(v, dict):
                bad = next((k for k in v if type(k) is not str), None)
                if bad is not None:
                    raise self.refuse(where, f"a dict key {bad!r} (keys must be str)")
                return {"$dict": {k: self.node(x, f"{where}[{k!r}]") for k, x in v.items()}}
            items = [self.node(x, f"{where}[{j}]") for j, x in enumerate(v)]
            if isinstance(v, list):
                return items
            return {"$tuple" if isinstance(v, tuple) else f"${type(v).__name__}": items}
        finally:
            self.open.discard(id(v))

    def array(self, a: np.ndarray, where: str) -> dict[str, Any]:
        seen = self.arrays.get(id(a))
        if seen is not None:
            return seen[1]
        as_object = False
        if a.dtype.hasobject:
            if a.dtype != np.dtype(object) or not all(type(x) is str for x in a.flat):
                raise self.refuse(where, "an array of Python objects other than str")
            a, as_object = a.astype(str), True  # held as text, read back as an array of str objects
        if a.dtype.kind not in ARRAY_KINDS or a.dtype.fields is not None:
            raise self.refuse(where, f"an array of dtype {a.dtype}")
        key = len(self.arrays)
        node: dict[str, Any] = {"$array": key, "dtype": a.dtype.str, "shape": list(a.shape)}
        if as_object:
            node["object"] = True
        row_bytes = a.itemsize * math.prod(a.shape[1:]) if a.ndim else a.itemsize
        block = max(1, BLOCK_BYTES // max(row_bytes, 1))
        if a.ndim and a.shape[0] > block:
            node["block"] = block
            for b, start in enumerate(range(0, a.shape[0], block)):
                self.write(f"a/{key}/{b}.npy", a[start : start + block])
        else:
            self.write(f"a/{key}.npy", a)
        self.arrays[id(a)] = (a, node)
        return node

    def write(self, name: str, a: np.ndarray) -> None:
        with self.zf.open(name, "w") as fh:
            np.lib.format.write_array(fh, np.ascontiguousarray(a), allow_pickle=False)

    def scheme_ref(self, v: Model, where: str) -> dict[str, Any]:
        if isinstance(v, Scheme) and id(v) not in self.paths:
            if self.scheme_text is None:
                raise self.refuse(where, "a scheme without its text (give scheme_text)")
            if v != cached_scheme(self.scheme_text, self.scheme_file):
                raise StoreError(f"{where}: the run's scheme is not the scheme text given")
            self.paths.update(_model_paths(v))
        node: dict[str, Any] = {"$scheme": self.paths.get(id(v))}
        if node["$scheme"] is None:
            self.pending.append((node, v, where))
        return node

    def resolve_pending(self) -> None:
        for node, model, where in self.pending:
            path = self.paths.get(id(model))
            if path is None:
                raise self.refuse(where, f"a scheme {type(model).__name__} outside the run's scheme")
            node["$scheme"] = path

    def instance(self, v: object, where: str) -> dict[str, Any]:
        cls = type(v)
        name = self.engine_class(cls, where)
        seen = self.objects.get(id(v))
        if seen is not None:
            return {"$ref": seen[1]}
        if isinstance(v, type | BaseException) or callable(v) and not dataclasses.is_dataclass(v):
            raise self.refuse(where, f"a {name} (classes, functions and exceptions are not data)")
        serial = len(self.objects)
        self.objects[id(v)] = (v, serial)
        if dataclasses.is_dataclass(v):
            fields = {f.name: getattr(v, f.name) for f in dataclasses.fields(v) if hasattr(v, f.name)}
        elif hasattr(v, "__dict__") and not getattr(cls, "__slots__", ()):
            fields = vars(v)
        else:
            raise self.refuse(where, f"a {name} with slots (make it a dataclass)")
        short = cls.__qualname__
        return {
            "$object": name,
            "id": serial,
            "fields": {
                k: self.node(x, f"{short}.{k}" if where == _ROOT else f"{where}.{k}")
                for k, x in fields.items()
            },
        }


# --- reading -----------------------------------------------------------------------------------------


def loads(blob: bytes, *, lazy: bool = True) -> Any:
    """Decode a stored run. With ``lazy`` (the default) arrays are read when first used, and a large
    array indexed by one row reads only that row's block; ``lazy=False`` reads every array now.
    Raises :class:`StoreError` when the run cannot be read by this code (then: compute it again)."""
    head, entries = _head(blob)
    version = head.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise StoreError(
            f"stored run format {version!r}: written by a newer release (this one reads ≤ {VERSION})"
        )
    try:
        text = entries.read("scheme.yaml").decode() if "scheme.yaml" in entries.index else None
        decoder = _Decoder(entries, text, str(head.get("scheme_file", "scheme.yaml")), lazy)
        return decoder.node(head["root"])
    except StoreError:
        raise
    except Exception as exc:  # a malformed tree, a scheme that no longer parses, a missing entry…
        raise StoreError(f"stored run unreadable: {type(exc).__name__}: {exc}") from exc


_EOCD = b"PK\x05\x06"  # the zip's end record: 22 bytes, then the comment


def _head(blob: bytes) -> tuple[dict[str, Any], Entries]:
    """run.json, found through the archive's comment, and the entries it indexes."""
    view = memoryview(blob)
    end = bytes(view[-200:]).rfind(_EOCD)
    comment = bytes(view[-200:][end + 22 :]).decode(errors="replace").split() if end >= 0 else []
    if len(comment) != 3 or comment[0] != FORMAT:
        raise StoreError("not a stored run (no kaohe-run archive comment)")
    try:
        head = json.loads(Entries.inflate(view, int(comment[1]), int(comment[2])))
    except (ValueError, zlib.error, struct.error) as exc:
        raise StoreError(f"not a stored run: {exc}") from exc
    if (
        not isinstance(head, dict)
        or head.get("format") != FORMAT
        or not isinstance(head.get("entries"), dict)
    ):
        raise StoreError("not a stored run (no kaohe-run header)")
    return head, Entries(view, head["entries"])


def _engine_class(name: str) -> type[Any]:
    """The class named ``module:qualname``, only if defined under kaohe.engine (else StoreError)."""
    module_name, _, qualname = name.partition(":")
    if not (module_name == ENGINE or module_name.startswith(ENGINE + ".")) or not qualname:
        raise StoreError(f"stored run names {name!r}, which is not a kaohe.engine class")
    try:
        found: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as exc:
        raise StoreError(f"{name} no longer exists: the run must be computed again") from exc
    if not isinstance(found, type) or found.__module__ != module_name or found.__qualname__ != qualname:
        raise StoreError(f"{name} is no longer a kaohe.engine class: the run must be computed again")
    return found


class _Decoder:
    def __init__(self, entries: Entries, scheme_text: str | None, scheme_file: str, lazy: bool) -> None:
        self.entries = entries
        self.scheme_text = scheme_text
        self.scheme_file = scheme_file
        self.lazy = lazy
        self.objects: dict[int, object] = {}
        self.arrays: dict[int, Any] = {}
        self.scheme: Scheme | None = None

    def node(self, n: Any) -> Any:
        if n is None or isinstance(n, bool | int | float | str):
            return n
        if isinstance(n, list):
            return [self.node(x) for x in n]
        tag = next(iter(n))
        if tag == "$dict":
            return {k: self.node(v) for k, v in n["$dict"].items()}
        if tag == "$tuple":
            return tuple(self.node(x) for x in n["$tuple"])
        if tag in ("$set", "$frozenset"):
            return (set if tag == "$set" else frozenset)(self.node(x) for x in n[tag])
        if tag == "$float":
            return float(n["$float"])
        if tag == "$scalar":
            return np.dtype(n["$scalar"]).type(self.node(n["value"]))
        if tag == "$array":
            return self.array(n)
        if tag == "$object":
            return self.instance(n)
        if tag == "$ref":
            return self.objects[n["$ref"]]
        if tag == "$enum":
            kind = _engine_class(n["$enum"])
            if not issubclass(kind, enum.Enum):
                raise StoreError(f"{n['$enum']} is no longer an enumeration: the run must be computed again")
            return kind[n["name"]]
        if tag == "$scheme":
            return self.scheme_part(n["$scheme"])
        raise StoreError(f"stored run holds an unknown node {tag!r}")

    def array(self, n: dict[str, Any]) -> Any:
        found = self.arrays.get(n["$array"])  # an array met twice was stored once: one array again
        if found is None:
            lazy = LazyArray(self.entries, n)
            found = self.arrays[n["$array"]] = lazy if self.lazy else lazy.whole()
        return found

    def scheme_part(self, path: list[str | int]) -> Any:
        if self.scheme is None:
            if self.scheme_text is None:
                raise StoreError("stored run refers to a scheme but holds no scheme text")
            self.scheme = cached_scheme(self.scheme_text, self.scheme_file)
        part: Any = self.scheme
        for step in path:
            part = part[step] if isinstance(part, dict | list | tuple) else getattr(part, str(step))  # type: ignore[index]
        return part

    def instance(self, n: dict[str, Any]) -> object:
        name = n["$object"]
        cls = _engine_class(name)
        if issubclass(cls, Model | enum.Enum | BaseException):
            raise StoreError(f"{name} is not a data class the store rebuilds: the run must be computed again")
        obj = object.__new__(cls)
        self.objects[n["id"]] = obj
        stored: dict[str, Any] = n["fields"]
        if not dataclasses.is_dataclass(cls):
            if not hasattr(obj, "__dict__"):
                raise StoreError(f"{name} has no attributes to restore: the run must be computed again")
            obj.__dict__.update({k: self.node(v) for k, v in stored.items()})
            return obj
        for f in dataclasses.fields(cls):
            if f.name in stored:
                value = self.node(stored[f.name])
            elif f.default is not dataclasses.MISSING:
                value = f.default
            elif f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
            else:
                raise StoreError(f"{name}.{f.name} is newer than the run and has no default: compute again")
            object.__setattr__(obj, f.name, value)  # frozen dataclasses too; __init__ is not run
        return obj
