"""Results: running the engine on a period's data and storing its output as a result version
(computation before publication, a correction into a new version after it)."""

from __future__ import annotations

import json

import numpy as np
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine import EngineError, Result, compute
from kaohe.engine.numeric import round_half_up
from kaohe.engine.period_inputs import pay_fen, pays
from kaohe.engine.scheme import UNGRADED_EFFECTS
from kaohe.engine.store import dumps
from kaohe.platform.errors import Refusal

from .. import logic
from ..choices import PeriodState, grade_or_status
from ..inputs import gather, people_of
from ..inputs_period import pay_bases
from ..models import GradeChange, Period, PersonResult, ResultSet, Scheme
from ..readiness import missing_message, readiness
from ..selectors import current_set
from .committee import quota_problem, regrade
from .periods import lock
from .schemes import scheme_problems

S = PeriodState


def run_engine(period: Period, scheme=None) -> tuple[Result, list[int]]:
    """Compute ``period`` on its current data (with ``scheme``, default the period's own)."""
    scheme = scheme or period.scheme.parsed()
    data, ids = gather(period, scheme)
    if not ids:
        raise Refusal(_("Nobody is appraised in %(unit)s.") % {"unit": period.unit.name})
    try:
        return compute(scheme, data), ids
    except EngineError as exc:
        raise Refusal("\n".join(scheme_problems(exc))) from None


def what_if(*, scheme: Scheme, period: Period) -> dict:
    """Grades under ``scheme`` on the period's current data beside the results in force (nothing is
    stored): ``counts`` per grade, the ``changes`` person by person, or the engine's ``error``."""
    try:
        result, ids = run_engine(period, scheme.parsed())
    except Refusal as exc:
        return {"changes": [], "counts": {}, "error": str(exc)}
    rs = current_set(period)
    now = {pid: (g, st) for pid, g, st in rs.rows.values_list("person_id", "grade", "status")} if rs else {}
    names = dict(people_of(period).values_list("id", "name"))
    grades = result.scheme.grading.grades
    counts: dict[str, int] = {}
    changes = []
    for i, pid in enumerate(ids):
        k = int(result.ungraded_kind[i])
        after = (
            grades[result.grade[i]] if result.grade[i] >= 0 else "",
            UNGRADED_EFFECTS[k] if k >= 0 else "",
        )
        label = grade_or_status(*after)
        counts[label] = counts.get(label, 0) + 1
        # Compare like with like: a person without a grade before and after is unchanged.
        if now.get(pid) != after:
            changes.append(
                {
                    "name": names.get(pid),
                    "track": result.track_names[result.track[i]],
                    "total": float(result.total[i]),
                    "before": grade_or_status(*now[pid]) if pid in now else "—",
                    "after": label,
                }
            )
    return {"changes": changes, "counts": counts, "error": ""}


def _quotas(result: Result) -> dict:
    grades = list(result.scheme.grading.grades)
    out = {}
    for g, name in enumerate(result.group_names):
        ceil = {
            gr: (None if not np.isfinite(result.ceilings[g, j]) else int(result.ceilings[g, j]))
            for j, gr in enumerate(grades)
        }
        floor = {gr: int(result.floors[g, j]) for j, gr in enumerate(grades)}
        out[name] = {
            "name": name,
            "size": int(result.graded_size[g]) if len(result.graded_size) > g else 0,
            "ceilings": ceil,
            "floors": floor,
        }
    return out


# PersonResult fields in the order ``_row_values`` yields them.
ROW_FIELDS = (
    "result_set",
    "person",
    "track",
    "quota_group",
    "components",
    "base",
    "bonus",
    "deduction",
    "total",
    "rank",
    "track_size",
    "engine_grade",
    "grade",
    "status",
    "pay_factor",
    "tail",
    "outcomes",
    "pool_fen",
    "pay_base_fen",
    "pay_fen",
)


def _row_values(result_set: ResultSet, result: Result, ids: list[int], pay_base: np.ndarray) -> list[tuple]:
    """One tuple per person in ``ROW_FIELDS`` order, built column-wise from the engine's arrays
    (``pay_base``: each person's pay base in fen, NaN for none)."""
    s = result.scheme
    n = len(ids)
    grades = s.grading.grades
    comp = round_half_up(result.components).tolist()
    cnames = result.component_names
    tracks = [result.track_names[t] for t in result.track.tolist()]
    groups = [result.group_names[g] for g in result.group.tolist()]
    grade = [grades[g] if g >= 0 else "" for g in result.grade.tolist()]
    ungraded = result.ungraded_kind.tolist()
    status = [UNGRADED_EFFECTS[k] if k >= 0 else "" for k in ungraded]  # UngradedStatus codes
    tails = _joined([s.tail_rules[nm].action for nm in result.tail_names], result.tail_hits, n)
    outs = _joined(list(result.outcome_names), result.outcome_hits, n)
    base = round_half_up(result.base).tolist()
    bonus = round_half_up(result.bonus).tolist()
    ded = round_half_up(result.deduction).tolist()
    total = result.total.tolist()
    rank = result.rank.astype(int).tolist()
    size = result.track_size.astype(int).tolist()
    pay = result.pay_factor.tolist()
    pool = result.pool_fen.astype(np.int64).tolist()
    amounts = pay_fen(pay_base, result.pay_factor, result.grade >= 0) if pays(s) else np.full(n, -1)
    pay_amount = [None if a < 0 else a for a in amounts.tolist()]
    bases = [None if b != b else int(b) for b in pay_base.tolist()]  # NaN: no pay base
    rs_id = result_set.pk
    return [
        (
            rs_id,
            pid,
            tracks[i],
            groups[i],
            dict(zip(cnames, comp[i], strict=True)),
            base[i],
            bonus[i],
            ded[i],
            total[i],
            rank[i],
            size[i],
            grade[i],
            grade[i],
            status[i],
            pay[i],
            tails[i],
            outs[i],
            pool[i],
            bases[i],
            pay_amount[i],
        )
        for i, pid in enumerate(ids)
    ]


def _joined(names: list[str], hits, n: int) -> list[list[str]]:
    """Per person, the list of the names whose column of ``hits`` is set."""
    if not names:
        return [[] for _ in range(n)]
    return [[a for a, hit in zip(names, row, strict=True) if hit] for row in hits.tolist()]


def _write_rows(result_set: ResultSet, result: Result, ids: list[int], pay_base: np.ndarray) -> None:
    """Store the result rows: COPY on PostgreSQL (100,000 rows in a few seconds), ``bulk_create``
    elsewhere."""
    values = _row_values(result_set, result, ids, pay_base)
    if connection.vendor != "postgresql":
        objs = [
            PersonResult(
                **{
                    f if f not in ("result_set", "person") else f"{f}_id": v
                    for f, v in zip(ROW_FIELDS, row, strict=True)
                }
            )
            for row in values
        ]
        PersonResult.objects.bulk_create(objs, batch_size=2000)
        return
    opts = PersonResult._meta
    column = {f.name: str(f.column) for f in opts.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column[f]) for f in ROW_FIELDS)
    encode_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps with options makes one per call
    pos = ROW_FIELDS.index("components")
    lists = [ROW_FIELDS.index("tail"), ROW_FIELDS.index("outcomes")]
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN") as cp:
            for row in values:
                cells = list(row)
                cells[pos] = encode_json(cells[pos])
                for k in lists:
                    cells[k] = (
                        encode_json(cells[k]) if cells[k] else "[]"
                    )  # most: no tail rule, no consequence
                cp.write_row(cells)


def _drop(old: ResultSet) -> None:
    """Delete an unpublished version. Its rows go in one DELETE: Django's cascade would first read
    every row's id to look for grade changes and appeals (appeals exist only after publication)."""
    GradeChange.objects.filter(row__result_set=old).delete()
    PersonResult.objects.filter(result_set=old)._raw_delete(PersonResult.objects.db)
    ResultSet.objects.filter(pk=old.pk).delete()


def encode(result: Result, period: Period) -> bytes:
    """The stored form of a computed run (``kaohe.engine.store``: arrays and JSON with the scheme's
    text, no pickle; read back by ``ResultSet.engine_result``)."""
    return dumps(result, scheme_text=period.scheme.text, scheme_file=period.scheme.file_name)


def store(*, actor, period: Period, result: Result, ids: list[int], reason: str, replace: bool) -> ResultSet:
    """Store a computation as the current version (inside the caller's transaction). ``replace``
    drops the unpublished current version; otherwise the old version is kept and marked not current."""
    old = ResultSet.objects.filter(period=period, current=True).defer("blob").first()
    if old is not None and replace:
        version = old.version
        _drop(old)
    else:
        version = (ResultSet.objects.filter(period=period).aggregate(v=Max("version"))["v"] or 0) + 1
        if old is not None:
            ResultSet.objects.filter(pk=old.pk).update(current=False)
    rs = ResultSet.objects.create(
        period=period,
        version=version,
        created_by=actor,
        reason=reason[:300],
        quotas=_quotas(result),
        blob=encode(result, period),
        pool_total_fen=result.pool_total_fen,
    )
    _write_rows(rs, result, ids, pay_bases(period, ids))
    return rs


def refuse_if_missing(period: Period) -> None:
    """Never compute on missing data: refuse, naming each input the scheme reads that is neither
    entered nor recorded as truly empty (see the period's inputs page)."""
    missing = missing_message(readiness(period))
    if missing:
        raise Refusal(_("Inputs are missing, nothing was computed: %(missing)s.") % {"missing": missing})


def compute_period(*, actor, period: Period) -> ResultSet:
    """Run the engine on the period's data and store the results, replacing unpublished ones. The
    engine runs before the transaction opens: a failure leaves the previous results as they were."""
    period.refresh_from_db()
    if period.state not in logic.COMPUTABLE:
        raise Refusal(
            _("Results are computed in the scoring or computed state; this period is “%(state)s”.")
            % {"state": S(period.state).label}
        )
    refuse_if_missing(period)
    result, ids = run_engine(period)
    with transaction.atomic():
        locked = lock(period)
        if locked.state not in logic.COMPUTABLE:
            raise Refusal(_("The period moved on meanwhile; nothing was stored."))
        rs = store(actor=actor, period=locked, result=result, ids=ids, reason=_("computation"), replace=True)
        if locked.state != S.COMPUTED:
            locked.state = S.COMPUTED
            locked.save(update_fields=["state"])
        record(
            actor=actor,
            action="appraisal.period.compute",
            obj=locked,
            after={"version": rs.version, "people": len(ids), "state": locked.state},
        )
    period.refresh_from_db()
    return rs


def correct(*, actor, period: Period, reason: str) -> ResultSet:
    """After publication: recompute into a new version and keep the old one; the committee's grade
    changes are carried over where the engine's grade is unchanged and the quotas still hold."""
    period.refresh_from_db()
    if not period.locked:
        raise Refusal(_("Before publication, compute again instead."))
    if not reason.strip():
        raise Refusal(_("Give the reason for the correction."))
    refuse_if_missing(period)
    result, ids = run_engine(period)
    with transaction.atomic():
        locked = lock(period)
        old = ResultSet.objects.filter(period=locked, current=True).first()
        rs = store(actor=actor, period=locked, result=result, ids=ids, reason=reason, replace=False)
        if old is not None:
            _carry_changes(old, rs)
        record(
            actor=actor,
            action="appraisal.period.correct",
            obj=locked,
            after={"version": rs.version, "reason": reason},
        )
    return rs


def _carry_changes(old: ResultSet, new: ResultSet) -> None:
    grades = list(new.period.scheme.parsed().grading.grades)
    for change in GradeChange.objects.filter(row__result_set=old).select_related("row").order_by("at"):
        row = new.rows.filter(person_id=change.row.person_id).first()
        if row is None or row.engine_grade != change.row.engine_grade or row.grade != change.from_grade:
            continue
        if quota_problem(new, row, change.to_grade, grades) is None:
            regrade(row, change.to_grade, new.period.scheme.parsed())
            GradeChange.objects.create(
                row=row,
                from_grade=change.from_grade,
                to_grade=change.to_grade,
                reason=change.reason,
                by=change.by,
            )
