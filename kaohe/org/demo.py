"""The demo organisation: a township (示范镇) with offices, stations, villages and about 120 people.

:func:`build_plan` is pure and deterministic (a seeded random generator and a given day), so the
same day always gives the same township; :func:`load_demo` writes the plan through the services,
so the audit trail holds an event for every row, and then seals the chain. Loading twice does
nothing the second time.
"""

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.accounts import services as accounts
from kaohe.audit.chain import seal_all
from kaohe.org import services as org
from kaohe.org.models import Unit

DEMO_ROOT_CODE = "SFZ"
DEMO_PASSWORD = "kaohe-demo-2025"
DEMO_URL = "http://127.0.0.1:8000/"
DEMO_SEED = 20250101
DEMO_ROLES = ("staff", "reviewer", "office", "inspector", "leader")
AUTO = "<auto>"  # an account named after the staff number, without a password


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    kind: str
    parent_code: str | None
    sort_order: int
    supervisor_no: str | None = None  # the leadership member in charge (分管领导)


@dataclass(frozen=True)
class PersonPlan:
    staff_no: str
    name: str
    gender: str
    birth_date: date
    unit_code: str
    title: str
    identity: str
    staffing: str
    post_type: str
    post_level: str
    start_date: date
    track_code: str
    reviewer_no: str | None = None
    username: str | None = None
    password: str | None = None
    grants: tuple[tuple[str, str], ...] = ()  # (role, unit code)


@dataclass(frozen=True)
class LeavePlan:
    staff_no: str
    kind: str
    start: date
    end: date
    note: str


@dataclass(frozen=True)
class SecondmentPlan:
    staff_no: str
    host_code: str
    start: date
    home_share: int


@dataclass
class DemoPlan:
    year: int
    units: list[UnitPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    tracks: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    leaves: list[LeavePlan] = field(default_factory=list)
    secondments: list[SecondmentPlan] = field(default_factory=list)

    @property
    def logins(self) -> list[tuple[str, str, str]]:
        return demo_logins()


def demo_logins() -> list[tuple[str, str, str]]:
    """One demo login per role: (role, username, password)."""
    return [(role, role, DEMO_PASSWORD) for role in DEMO_ROLES]


# --- the township ----------------------------------------------------------------------------------

# (code, name, kind, head title, deputy title, staff count, supervising leader index)
OFFICES = [
    ("DZB", "党政综合办公室", "department", "主任", "副主任", 5, 2),
    ("DJB", "党建工作办公室", "department", "主任", "副主任", 4, 2),
    ("JWB", "纪检监察办公室", "department", "主任", None, 2, 3),
    ("JJB", "经济发展办公室", "department", "主任", "副主任", 5, 1),
    ("CZS", "财政所", "station", "所长", None, 4, 1),
    ("NYZX", "农业综合服务中心", "station", "主任", "副主任", 4, 7),
    ("SWB", "社会事务办公室", "department", "主任", None, 4, 5),
    ("ZFD", "综合行政执法队", "station", "队长", "副队长", 4, 8),
    ("BMZX", "便民服务中心", "window", "主任", "副主任", 4, 2),
    ("ZRS", "自然资源所", "station", "所长", None, 3, 7),
    ("YJB", "应急管理办公室", "department", "主任", None, 3, 8),
    ("TYJR", "退役军人服务站", "station", "站长", None, 2, 6),
    ("WSY", "卫生院", "institution", "院长", "副院长", 4, 5),
    ("ZXXX", "中心学校", "institution", "校长", "副校长", 4, 5),
]
VILLAGES = [
    "东岭村", "西河村", "南庄村", "北坡村", "前屯村", "后营村", "李家庄村", "王家店村", "张家湾村", "刘家沟村",
    "石桥村", "柳树村", "杏花村", "青山村", "石门村", "新华社区", "幸福社区", "朝阳社区", "和平社区", "滨河社区",
]  # fmt: skip
# Leadership members (班子成员) by index; index 0 is the Party secretary, who reviews the others.
LEADERSHIP = [
    "党委书记",
    "党委副书记、镇长",
    "党委副书记",
    "纪委书记",
    "组织委员",
    "宣传委员",
    "人大主席",
    "副镇长",
    "副镇长",
]
# Which leadership member is in charge of which villages (片区).
VILLAGE_LEADER = {range(0, 7): 4, range(7, 14): 5, range(14, 20): 6}
TRACKS = [
    ("leadership", "班子成员"),
    ("established", "在编干部"),
    ("instructor", "社区指导员"),
    ("non_established", "不在编人员"),
    ("village", "农村干部"),
]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
MALE_CHARS = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆晨东林建国志海峰斌文博宏亮成义兴"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英红梅琳雪琴慧莹颖洁佳倩婷露瑶晶燕萍兰凤月丹"


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, gender: str) -> str:
        chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
        while True:
            given = "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


def build_plan(*, today: date, seed: int = DEMO_SEED) -> DemoPlan:
    """The demo township as plain data. Same ``today`` and ``seed`` → same plan."""
    rng = random.Random(seed)
    names = _Names(rng)
    year = today.year
    plan = DemoPlan(year=year, tracks=list(TRACKS))
    counter = iter(range(1, 10_000))

    def birth(min_age: int, max_age: int) -> date:
        return date(year - rng.randint(min_age, max_age), rng.randint(1, 12), rng.randint(1, 28))

    def started(earliest: int = 2003) -> date:
        return date(rng.randint(earliest, year - 2), rng.randint(1, 12), rng.randint(1, 28))

    def person(unit_code: str, title: str, track: str, **values) -> PersonPlan:
        gender = values.pop("gender", None) or rng.choice(
            "MMMF" if values.get("identity") != "general" else "MF"
        )
        staff_no = f"SF{next(counter):04d}"
        if values.get("username") == AUTO:
            values["username"] = staff_no.lower()
        p = PersonPlan(
            staff_no=staff_no,
            name=names(gender),
            gender=gender,
            unit_code=unit_code,
            title=title,
            track_code=track,
            **values,
        )
        plan.people.append(p)
        return p

    def level(*weights: int) -> str:
        return rng.choices(["junior", "intermediate", "senior"], weights=weights)[0]

    # Units: the root, offices and stations, villages and communities.
    plan.units.append(UnitPlan(DEMO_ROOT_CODE, "示范镇党委政府", "party_government", None, 0))

    # Which units each leadership member is in charge of (and so reviews the heads of).
    supervised: dict[int, list[str]] = {i: [] for i in range(len(LEADERSHIP))}
    for code, _name, _kind, *_rest, leader_index in OFFICES:
        supervised[leader_index].append(code)
    village_codes = [f"V{i + 1:02d}" for i in range(len(VILLAGES))]
    for span, leader_index in VILLAGE_LEADER.items():
        supervised[leader_index].extend(village_codes[i] for i in span)

    # Leadership first: the Party secretary (the demo leader) reviews the other members, who review
    # the heads of the units they are in charge of.
    leaders: list[PersonPlan] = []
    for i, title in enumerate(LEADERSHIP):
        is_secretary = i == 0
        if is_secretary:
            account = {
                "username": "leader",
                "password": DEMO_PASSWORD,
                "grants": (("leader", DEMO_ROOT_CODE), ("reviewer", DEMO_ROOT_CODE)),
            }
        else:
            account = {
                "username": AUTO,
                "reviewer_no": leaders[0].staff_no,
                "grants": tuple(("reviewer", code) for code in supervised[i]),
            }
        leaders.append(
            person(
                DEMO_ROOT_CODE,
                title,
                "leadership",
                birth_date=birth(40, 55),
                identity="leadership",
                staffing="established",
                post_type="management",
                post_level="senior",
                start_date=started(2008),
                **account,
            )
        )

    for order, (code, name, kind, head_title, deputy_title, size, leader_index) in enumerate(
        OFFICES, start=1
    ):
        plan.units.append(UnitPlan(code, name, kind, DEMO_ROOT_CODE, order, leaders[leader_index].staff_no))
        technical = kind == "institution"
        post_type = "technical" if technical else "management"
        demo_reviewer = code == "DZB"
        cadre = {"identity": "middle", "staffing": "established", "post_type": post_type}  # head, deputy
        head = person(
            code,
            head_title,
            "established",
            birth_date=birth(35, 52),
            post_level=level(1, 4, 3),
            start_date=started(2003),
            reviewer_no=leaders[leader_index].staff_no,
            username="reviewer" if demo_reviewer else AUTO,
            password=DEMO_PASSWORD if demo_reviewer else None,
            grants=(("reviewer", code), ("staff", code)),
            **cadre,
        )
        if deputy_title:
            person(
                code,
                deputy_title,
                "established",
                birth_date=birth(32, 50),
                post_level=level(2, 5, 2),
                start_date=started(2006),
                reviewer_no=head.staff_no,
                **cadre,
            )
        for n in range(size):
            # Every office has at least one established cadre; the rest are mixed.
            staffing = (
                "established"
                if n == 0
                else rng.choices(["established", "instructor", "non_established"], weights=[6, 2, 2])[0]
            )
            if technical:
                staffing = "established" if n < 4 else "non_established"
            title = {"established": "科员", "instructor": "社区指导员", "non_established": "办事员"}[staffing]
            staff_post = post_type
            if technical:
                title = {"WSY": rng.choice(["医师", "护士", "药剂师"]), "ZXXX": "教师"}[code]
            elif code == "DZB" and n >= size - 2:
                staff_post, title, staffing = (
                    "service",
                    ("驾驶员", "炊事员")[n - (size - 2)],
                    "non_established",
                )
            track = {
                "established": "established",
                "instructor": "instructor",
                "non_established": "non_established",
            }[staffing]
            person(
                code,
                title,
                track,
                birth_date=birth(23, 55),
                identity="general",
                staffing=staffing,
                post_type=staff_post,
                post_level=level(6, 3, 1),
                start_date=started(2010),
                reviewer_no=head.staff_no,
            )

    for i, name in enumerate(VILLAGES):
        code = village_codes[i]
        community = name.endswith("社区")
        leader_index = next(idx for span, idx in VILLAGE_LEADER.items() if i in span)
        plan.units.append(
            UnitPlan(code, name, "village", DEMO_ROOT_CODE, 100 + i, leaders[leader_index].staff_no)
        )
        village_head = person(
            code,
            "党委书记、居委会主任" if community else "党支部书记、村委会主任",
            "village",
            birth_date=birth(35, 58),
            identity="general",
            staffing="non_established",
            post_type="management",
            post_level=level(3, 5, 2),
            start_date=started(2005),
            reviewer_no=leaders[leader_index].staff_no,
            username=AUTO,
            grants=(("reviewer", code), ("staff", code)),
        )
        for _n in range(rng.choice((0, 1, 1, 1, 2))):
            person(
                code,
                "居委委员" if community else "村委委员",
                "village",
                birth_date=birth(25, 58),
                identity="general",
                staffing="non_established",
                post_type="management",
                post_level="junior",
                start_date=started(2012),
                reviewer_no=village_head.staff_no,
            )

    # Demo accounts other than the leader and the reviewer: office in 党建办, inspector in 纪检监察办,
    # staff under the demo reviewer in 党政办 (an established cadre, so a regular daily-log writer).
    def first(unit_code: str, **match) -> int:
        return next(
            i
            for i, p in enumerate(plan.people)
            if p.unit_code == unit_code
            and p.identity == "general"
            and all(getattr(p, k) == v for k, v in match.items())
        )

    for username, unit_code, grants, match in [
        ("office", "DJB", (("office", DEMO_ROOT_CODE), ("staff", "DJB")), {"staffing": "established"}),
        ("inspector", "JWB", (("inspector", DEMO_ROOT_CODE), ("staff", "JWB")), {}),
        ("staff", "DZB", (("staff", "DZB"),), {"staffing": "established", "post_type": "management"}),
    ]:
        i = first(unit_code, **match)
        plan.people[i] = _replace(plan.people[i], username=username, password=DEMO_PASSWORD, grants=grants)

    # A few new hires still in probation (试用期): established general cadres who started this half-year.
    candidates = [
        i for i, p in enumerate(plan.people) if p.identity == "general" and p.staffing == "established"
    ]
    candidates = [i for i in candidates if plan.people[i].username is None]
    for days, i in zip((40, 75, 110, 150), rng.sample(candidates, 4), strict=True):
        plan.people[i] = _replace(plan.people[i], start_date=today - timedelta(days=days))

    # Leave this year and one secondment (an agricultural technician working in economic development).
    office_people = [
        p for p in plan.people if p.unit_code not in village_codes and p.unit_code != DEMO_ROOT_CODE
    ]
    women = [p for p in office_people if p.gender == "F" and p.identity == "general"]
    plan.leaves.append(
        LeavePlan(women[0].staff_no, "maternity", date(year, 3, 1), date(year, 6, 6), "产假 98 天")
    )
    for p, (kind, month, days, note) in zip(
        rng.sample([p for p in office_people if p not in women[:1]], 5),
        [
            ("sick", 4, 14, "住院治疗"),
            ("personal", 5, 3, "家中有事"),
            ("annual", 7, 5, "年休假"),
            ("sick", 9, 2, ""),
            ("personal", 10, 1, ""),
        ],
        strict=True,
    ):
        start = date(year, month, 10)
        plan.leaves.append(LeavePlan(p.staff_no, kind, start, start + timedelta(days=days - 1), note))
    nyzx = next(
        p for p in plan.people if p.unit_code == "NYZX" and p.identity == "general" and p.username is None
    )
    plan.secondments.append(SecondmentPlan(nyzx.staff_no, "JJB", date(year, 3, 1), 40))
    return plan


def _replace(p: PersonPlan, **changes) -> PersonPlan:

    return replace(p, **changes)


# --- loading ---------------------------------------------------------------------------------------


def load_demo(*, stdout=None, today: date | None = None) -> list[tuple[str, str, str]]:
    """Create the demo township through the services, then seal the audit chain.

    Returns one login per role (role, username, password). Does nothing but return them when the
    demo root unit already exists.
    """

    if Unit.objects.filter(code=DEMO_ROOT_CODE).exists():
        return demo_logins()
    plan = build_plan(today=today or timezone.localdate())
    with transaction.atomic():
        _write(plan, stdout)
    sealed = seal_all()
    if stdout is not None:
        stdout.write(f"Sealed {sealed} audit events.\n")
    return demo_logins()


def _write(plan: DemoPlan, stdout) -> None:

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    actor = None  # the system
    units: dict[str, Any] = {}
    for u in plan.units:
        units[u.code] = org.create_unit(
            actor=actor,
            code=u.code,
            name=u.name,
            kind=u.kind,
            parent=units[u.parent_code] if u.parent_code else None,
            sort_order=u.sort_order,
        )
    say(f"Created {len(units)} units.")

    positions: dict[tuple[str, str], Any] = {}
    people: dict[str, Any] = {}
    for p in plan.people:
        key = (p.unit_code, p.title)
        if key not in positions:
            positions[key] = org.create_position(actor=actor, unit=units[p.unit_code], title=p.title)
        people[p.staff_no] = org.create_person(
            actor=actor,
            staff_no=p.staff_no,
            name=p.name,
            gender=p.gender,
            birth_date=p.birth_date,
            unit=units[p.unit_code],
            position=positions[key],
            identity=p.identity,
            staffing=p.staffing,
            post_type=p.post_type,
            post_level=p.post_level,
            start_date=p.start_date,
            reviewer=people[p.reviewer_no] if p.reviewer_no else None,
        )
        if p.username:
            user = accounts.create_account(
                actor=actor, person=people[p.staff_no], username=p.username, password=p.password
            )
            for role, unit_code in p.grants:
                accounts.grant_role(actor=actor, user=user, role=role, unit=units[unit_code])
    say(f"Created {len(people)} people in {len(positions)} positions.")

    for u in plan.units:
        if u.supervisor_no:
            org.update_unit(actor=actor, unit=units[u.code], supervisor=people[u.supervisor_no])

    tracks = {
        code: org.create_track(actor=actor, unit=units[DEMO_ROOT_CODE], code=code, name=name, year=plan.year)
        for code, name in plan.tracks
    }
    for p in plan.people:
        org.add_member(actor=actor, track=tracks[p.track_code], person=people[p.staff_no])
    say(f"Created {len(tracks)} tracks for {plan.year}.")

    for leave in plan.leaves:
        org.add_leave(
            actor=actor,
            person=people[leave.staff_no],
            kind=leave.kind,
            start=leave.start,
            end=leave.end,
            note=leave.note,
        )
    for s in plan.secondments:
        org.create_secondment(
            actor=actor,
            person=people[s.staff_no],
            host_unit=units[s.host_code],
            start=s.start,
            home_share=s.home_share,
        )
