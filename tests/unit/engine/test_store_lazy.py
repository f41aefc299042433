"""The lazy reader: one row reads one block of rows; everything else reads the whole array once and
behaves as the array would. No database."""

from __future__ import annotations

import numpy as np
import pytest

from kaohe.engine import store_arrays
from kaohe.engine.store import BLOCK_BYTES, LazyArray, dumps, loads

N = 50_000  # rows: a float column is cut into ceil(N / 8192) blocks
BLOCK = BLOCK_BYTES // 8


@pytest.fixture
def reads(monkeypatch):
    """The names of the entries read, in order."""
    seen: list[str] = []
    original = store_arrays.Entries.read

    def read(self, name):
        seen.append(name)
        return original(self, name)

    monkeypatch.setattr(store_arrays.Entries, "read", read)
    return seen


@pytest.fixture(scope="module")
def arrays():
    rng = np.random.default_rng(3)
    return {
        "total": rng.uniform(0, 100, N).round(2),
        "components": rng.uniform(0, 100, (N, 3)),
        "ids": np.array([f"P{i:05d}" for i in range(N)], dtype=object),
        "small": np.array([3, 1, 2]),
    }


@pytest.fixture
def lazy(arrays):
    return loads(dumps(arrays))


def test_large_arrays_are_lazy_and_report_shape_and_dtype_without_reading(lazy, reads):
    total = lazy["total"]
    assert type(total) is LazyArray
    assert total.shape == (N,) and total.dtype == np.float64 and len(total) == N and total.ndim == 1
    assert lazy["ids"].dtype == object and lazy["components"].size == 3 * N
    assert reads == []


def test_one_row_reads_only_its_block(lazy, arrays, reads):
    i = 3 * BLOCK + 17
    assert lazy["total"][i] == arrays["total"][i]
    assert lazy["total"][np.int64(i + 1)] == arrays["total"][i + 1]  # same block: read once
    assert reads == ["a/0/3.npy"]
    assert lazy["components"][i, 2] == arrays["components"][i, 2]
    np.testing.assert_array_equal(lazy["components"][i], arrays["components"][i])
    assert lazy["ids"][i] == f"P{i:05d}" and type(lazy["ids"][i]) is str
    assert len(reads) == 3


def test_negative_and_out_of_range_rows(lazy, arrays, reads):
    assert lazy["total"][-1] == arrays["total"][-1]
    assert reads == [f"a/0/{(N - 1) // BLOCK}.npy"]
    with pytest.raises(IndexError):
        lazy["total"][N]
    with pytest.raises(IndexError):
        lazy["total"][-N - 1]


def test_other_indexes_read_the_whole_array_once(lazy, arrays, reads):
    total = lazy["total"]
    np.testing.assert_array_equal(total[10:20], arrays["total"][10:20])
    n_blocks = -(-N // BLOCK)
    assert len(reads) == n_blocks
    np.testing.assert_array_equal(total[total > 50], arrays["total"][arrays["total"] > 50])
    np.testing.assert_array_equal(total[[5, 1]], arrays["total"][[5, 1]])
    assert total[7] == arrays["total"][7]
    assert len(reads) == n_blocks  # nothing read again


@pytest.mark.parametrize(
    "operation",
    [
        lambda a: a == a[0],
        lambda a: a + 1,
        lambda a: 100 - a,
        lambda a: -a,
        lambda a: a * 2 >= 50,
        lambda a: np.where(a > 50, a, 0.0),
        lambda a: np.flatnonzero(a > 99),
        lambda a: np.nan_to_num(a),
        lambda a: np.round(a, 1),
        lambda a: np.isfinite(a),
        lambda a: np.asarray(a).astype(str),
        lambda a: np.concatenate([a, a]),
        lambda a: a.sum(),
        lambda a: a.tolist()[:5],
        lambda a: list(a)[:5],
        lambda a: sorted(a)[:3],
        lambda a: np.bincount((a // 10).astype(np.int64)),
    ],
)
def test_numpy_sees_the_array(lazy, arrays, operation):
    np.testing.assert_array_equal(operation(lazy["total"]), operation(arrays["total"]))


def test_numpy_functions_over_two_lazy_arrays(lazy, arrays):
    got = np.lexsort((lazy["total"], lazy["components"][:, 0]))
    np.testing.assert_array_equal(got, np.lexsort((arrays["total"], arrays["components"][:, 0])))


def test_writing_into_a_lazy_array_writes_into_the_array_it_reads(lazy):
    total = lazy["total"]
    total[5] = -1.0
    assert total[5] == -1.0 and np.asarray(total)[5] == -1.0


def test_small_arrays_are_one_entry_and_read_when_used(lazy, reads):
    small = lazy["small"]
    assert reads == []
    assert small[1] == 1 and list(small) == [3, 1, 2]
    assert reads == ["a/3.npy"]


def test_eager_reading_gives_ndarrays(arrays):
    back = loads(dumps(arrays), lazy=False)
    assert all(type(v) is np.ndarray for v in back.values())
    np.testing.assert_array_equal(back["ids"], arrays["ids"])
