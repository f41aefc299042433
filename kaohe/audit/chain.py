"""The hash chain over audit events: sealing in batches and verification.

Each sealed event carries ``seq`` (1, 2, 3 … with no gaps), ``prev_hash`` (the previous event's
hash, or 64 zeros for the first) and ``hash`` = SHA-256 over ``prev_hash`` and the event's canonical
JSON. A :class:`~kaohe.audit.models.Seal` row records the head after each batch; publishing a seal
outside the database (e.g. printed in a notice) lets ``verify`` also catch a wholesale rewrite.

Several sealers may run at once: ``seq`` and ``Seal.last_seq`` are unique, so a sealer that raced
another fails its transaction and retries from the new head.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from .models import Event, Seal

GENESIS = "0" * 64
HASHED_FIELDS = (
    "id",
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
)
# Hashed when set, so that events written before it existed keep their hashes.
OPTIONAL_FIELDS = ("unit_id",)
READ_FIELDS = HASHED_FIELDS + OPTIONAL_FIELDS


def _canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, values: dict) -> str:
    """SHA-256 of the previous hash and the event's canonical JSON."""
    body = {name: values[name] for name in HASHED_FIELDS}
    body |= {name: values[name] for name in OPTIONAL_FIELDS if values.get(name) is not None}
    body["at"] = _canonical_time(body["at"])
    payload = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + payload).encode()).hexdigest()


def _head() -> tuple[int, str]:
    last = Event.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    return (last[0] or 0, last[1]) if last else (0, GENESIS)


def seal_batch(limit: int = 5000) -> int:
    """Seal up to ``limit`` unsealed events in id order. Returns how many were sealed."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                seq, prev = _head()
                pending = list(
                    Event.objects.filter(seq__isnull=True).order_by("id").values(*READ_FIELDS)[:limit]
                )
                if not pending:
                    return 0
                updates = []
                for values in pending:
                    seq += 1
                    values["seq"] = seq
                    digest = event_hash(prev, values)
                    updates.append(Event(id=values["id"], seq=seq, prev_hash=prev, hash=digest))
                    prev = digest
                Event.objects.bulk_update(updates, ["seq", "prev_hash", "hash"], batch_size=1000)
                Seal.objects.create(last_seq=seq, head_hash=prev, count=len(updates))
                return len(updates)
        except IntegrityError:
            continue  # another sealer won the race; start again from its head
    raise RuntimeError("could not seal audit events: the chain head kept moving")


def seal_all(batch: int = 5000) -> int:
    """Seal every pending event (used by the job and by the command line)."""
    total = 0
    while n := seal_batch(batch):
        total += n
    return total


@dataclass
class Problem:
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "chain"
        if self.event_id is not None:
            where += f" (event id {self.event_id})"
        return f"{where}: {self.reason}"


@dataclass
class Report:
    checked: int = 0
    unsealed: int = 0
    head: tuple[int, str] = (0, GENESIS)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def parse_published_seal(text: str) -> tuple[int, str]:
    """A published seal is written ``SEQ:HASH``."""
    try:
        seq_text, digest = text.strip().split(":", 1)
        seq = int(seq_text)
    except ValueError as exc:
        raise ValueError(f"a published seal looks like 123:abcdef…, not {text!r}") from exc
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"the hash of a published seal is 64 hex digits, not {digest!r}")
    return seq, digest


def verify(published: tuple[int, str] | None = None) -> Report:
    """Recompute the chain. Reports the first edited, deleted, inserted or reordered event."""
    report = Report(unsealed=Event.objects.filter(seq__isnull=True).count())
    hashes_at: dict[int, str] = {}
    wanted = {s.last_seq for s in Seal.objects.all()}
    if published:
        wanted.add(published[0])
    expected_seq, prev = 1, GENESIS
    rows = (
        Event.objects.filter(seq__isnull=False)
        .order_by("seq")
        .values(*READ_FIELDS, "prev_hash", "hash")
        .iterator(chunk_size=5000)
    )
    for values in rows:
        seq = values["seq"]
        report.checked += 1
        if seq != expected_seq:
            report.problems.append(
                Problem(
                    seq, values["id"], f"event(s) with seq {expected_seq}–{seq - 1} are missing (deleted)"
                )
            )
            break
        if values["prev_hash"] != prev:
            report.problems.append(
                Problem(seq, values["id"], "does not link to the previous event (inserted or reordered)")
            )
            break
        digest = event_hash(prev, values)
        if digest != values["hash"]:
            report.problems.append(Problem(seq, values["id"], "content does not match its hash (edited)"))
            break
        if seq in wanted:
            hashes_at[seq] = digest
        prev, expected_seq = digest, seq + 1
    last_seq = expected_seq - 1
    report.head = (last_seq, prev)
    if report.problems:
        return report
    for seal in Seal.objects.order_by("last_seq"):
        if seal.last_seq > last_seq:
            report.problems.append(
                Problem(seal.last_seq, None, f"sealed events after seq {last_seq} are missing (tail deleted)")
            )
            return report
        if hashes_at.get(seal.last_seq) != seal.head_hash:
            report.problems.append(
                Problem(seal.last_seq, None, "the chain does not match the seal recorded here")
            )
            return report
    last_seal = Seal.objects.order_by("-last_seq").values_list("last_seq", flat=True).first() or 0
    if last_seq > last_seal:
        report.problems.append(
            Problem(
                last_seal + 1, None, f"events {last_seal + 1}–{last_seq} carry a seq but no seal (inserted)"
            )
        )
        return report
    if published:
        seq, digest = published
        if seq > last_seq:
            report.problems.append(
                Problem(seq, None, f"the published seal is beyond the chain's end ({last_seq})")
            )
        elif hashes_at.get(seq) != digest:
            report.problems.append(
                Problem(seq, None, "the chain does not match the published seal (rewritten)")
            )
    return report
