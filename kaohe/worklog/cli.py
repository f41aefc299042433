"""``kaohe worklog close-days | remind | recount``: the work-log jobs by hand (the scheduler runs
them on its own). Each is idempotent: running it twice changes nothing the second time."""


def register(sub) -> None:
    p = sub.add_parser("worklog", help="work-log jobs: close days, send reminders, recount rollups")
    actions = p.add_subparsers(dest="worklog_command", required=True, metavar="ACTION")
    actions.add_parser(
        "close-days", help="mark misses and apply the miss rule for every due day"
    ).set_defaults(handler=_close_days)
    actions.add_parser("remind", help="remind people who have not written today's log").set_defaults(
        handler=_remind
    )
    recount = actions.add_parser(
        "recount", help="rebuild a month's rollups from the raw rows and report differences"
    )
    recount.add_argument("month", help="YYYY-MM")
    recount.set_defaults(handler=_recount)


def _setup():
    # local import: Django is set up only when this command runs
    from kaohe.cli import setup_django

    setup_django()


def _close_days(args) -> int:
    _setup()
    # local import: Django is set up only when this command runs
    from kaohe.worklog.jobs import close_days

    print(f"closed {close_days()} unit-day(s)")
    return 0


def _remind(args) -> int:
    _setup()
    # local import: Django is set up only when this command runs
    from kaohe.worklog.jobs import send_reminders

    print(f"reminded {send_reminders()} person(s)")
    return 0


def _recount(args) -> int:
    _setup()
    # local import: Django is set up only when this command runs
    from datetime import date

    # local import: Django is set up only when this command runs
    from kaohe.engine.periods import span
    from kaohe.worklog.models import Stat
    from kaohe.worklog.rollups import recount

    start, end = span("month", date.fromisoformat(args.month + "-01")).bounds
    kept = {s.person_id: s for s in Stat.objects.filter(period="month", start=start)}
    counted = recount(list(kept), "month", start, end)
    bad = 0
    for pid, values in counted.items():
        row = kept[pid]
        diff = {c: (getattr(row, c), v) for c, v in values.items() if getattr(row, c) != v}
        if diff:
            bad += 1
            print(f"person {pid}: {diff}")
    print(f"{len(counted)} rollup(s) checked, {bad} differ")
    return 1 if bad else 0
