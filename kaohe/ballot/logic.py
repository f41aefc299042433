"""The pure logic of voting: who belongs to a rater group, whom they may rate, and reading a submitted
ballot form. No Django models: plain values in, plain values or :class:`BallotRefused` out."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import IDENTITY_RANK, Relation

MAX_FIELD_LENGTH = 40


class BallotRefused(ValueError):
    """A ballot that cannot count; the message says why and is shown to the rater."""


@dataclass(frozen=True)
class GroupRule:
    identities: tuple[str, ...] = ()
    staffings: tuple[str, ...] = ()
    relation: str = Relation.ANY
    same_unit: bool = False
    ratee_identities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Member:
    """The attributes of a person the rules look at."""

    id: int
    unit_id: int
    identity: str
    staffing: str


def is_member(rule: GroupRule, person: Member) -> bool:
    """Whether ``person`` has the identity and staffing categories of the group (empty = any)."""
    return (not rule.identities or person.identity in rule.identities) and (
        not rule.staffings or person.staffing in rule.staffings
    )


def may_rate(rule: GroupRule, rater: Member | None, ratee: Member) -> bool:
    """Whether a member of the group may rate ``ratee``. ``rater`` is None for a rater without an
    account (a code or a paper sheet): then only the rated identities apply. Nobody rates themselves."""
    if rule.ratee_identities and ratee.identity not in rule.ratee_identities:
        return False
    if rater is None:
        return True
    if rater.id == ratee.id:
        return False
    if rule.same_unit and rater.unit_id != ratee.unit_id:
        return False
    mine, theirs = IDENTITY_RANK.get(rater.identity, 0), IDENTITY_RANK.get(ratee.identity, 0)
    return {
        Relation.ANY: True,
        Relation.DOWN: theirs < mine,
        Relation.UP: theirs > mine,
        Relation.PEER: theirs == mine,
    }[Relation(rule.relation)]


def field_name(person_id: int, dimension_id: int | None = None) -> str:
    """The form field of one mark: ``r-<person>`` or ``r-<person>-<dimension>``."""
    return f"r-{person_id}" if dimension_id is None else f"r-{person_id}-{dimension_id}"


def parse_answers(
    data: Mapping[str, str],
    *,
    people: Sequence[int],
    dimensions: Sequence[int],
    options: Mapping[int, float],
    max_top_marks: int | None = None,
    identical_invalid: bool = False,
) -> list[tuple[int, int | None, int]]:
    """Read a ballot form into (person, dimension or None, option) marks, or refuse it.

    Every person in ``people`` must get a mark on every dimension (or one overall mark when there
    are none); a field naming anyone else, an unknown option or any malformed value means the form
    was tampered with. ``data`` holds only the ``r-…`` fields (the caller strips the rest).
    """
    dims: list[int | None] = list(dimensions) or [None]
    expected = {field_name(p, d): (p, d) for p in people for d in dims}
    if not expected:
        raise BallotRefused(_("There is nobody for you to rate in this campaign."))
    unexpected = [k for k in data if k not in expected]
    if unexpected:
        raise BallotRefused(_("The ballot names people you may not rate; it was not counted."))
    missing = [k for k in expected if not str(data.get(k, "")).strip()]
    if missing:
        raise BallotRefused(
            ngettext(
                "The ballot is incomplete: %(n)s mark is missing. Nothing was counted.",
                "The ballot is incomplete: %(n)s marks are missing. Nothing was counted.",
                len(missing),
            )
            % {"n": len(missing)}
        )
    marks = []
    for key, (person, dim) in expected.items():
        raw = str(data[key]).strip()
        if len(raw) > MAX_FIELD_LENGTH or not raw.isdigit() or int(raw) not in options:
            raise BallotRefused(_("The ballot holds a mark that is not on the form; it was not counted."))
        marks.append((person, dim, int(raw)))
    check_marks(marks, options=options, max_top_marks=max_top_marks, identical_invalid=identical_invalid)
    return marks


def check_marks(
    marks: Iterable[tuple[int, int | None, int]],
    *,
    options: Mapping[int, float],
    max_top_marks: int | None,
    identical_invalid: bool,
) -> None:
    """The unit's electronic-voting rules: at most N top marks per ballot, and (if chosen) a ballot
    giving everyone the same mark is invalid."""
    marks = list(marks)
    top = max(options.values())
    overall = [o for _p, _d, o in marks]
    if max_top_marks is not None:
        # With dimensions, a "top mark" is a person whose every dimension got the top option.
        by_person: dict[int, list[int]] = {}
        for p, _d, o in marks:
            by_person.setdefault(p, []).append(o)
        tops = sum(all(options[o] == top for o in os) for os in by_person.values())
        if tops > max_top_marks:
            raise BallotRefused(
                ngettext(
                    "At most %(n)s person may get the top mark; this ballot gives it to %(m)s.",
                    "At most %(n)s people may get the top mark; this ballot gives it to %(m)s.",
                    max_top_marks,
                )
                % {"n": max_top_marks, "m": tops}
            )
    if identical_invalid and len({p for p, _d, _o in marks}) > 1 and len(set(overall)) == 1:
        raise BallotRefused(
            _("A ballot that gives everyone the same mark is invalid under this campaign's rules.")
        )
