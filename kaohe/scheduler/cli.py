"""``kaohe scheduler``: run due jobs in a loop (any number of these processes, on any machines)."""

import logging


def register(sub) -> None:
    p = sub.add_parser("scheduler", help="run scheduled jobs (closing days, reminders, sealing) in a loop")
    p.add_argument(
        "--interval", type=float, default=5.0, help="seconds between looks for due jobs (default 5)"
    )
    p.add_argument("--once", action="store_true", help="run the due jobs once and exit")
    p.add_argument("--list", action="store_true", help="list the jobs and when each is next due, then exit")
    p.add_argument("--run", metavar="JOB", help="run one job now, whether due or not, then exit")
    p.set_defaults(handler=_scheduler)


def _scheduler(args) -> int:
    # local import: the kaohe command loads every subcommand's module; Django is set up only here
    from kaohe.cli import setup_django

    setup_django()
    # local import: models can be imported only once Django is set up
    from django.utils import timezone

    # local import: (as above)
    from kaohe.scheduler import runner
    from kaohe.scheduler.models import Job
    from kaohe.scheduler.registry import by_name, jobs

    if args.list:
        runner.ensure_jobs()
        rows = {j.name: j for j in Job.objects.all()}
        for spec in jobs():
            j = rows[spec.name]
            print(
                f"{spec.name:24} every {spec.every:>5}s  next {j.next_run:%Y-%m-%d %H:%M:%S}  {j.last_result}"
            )
        return 0
    if args.run:
        try:
            spec = by_name(args.run)
        except KeyError:
            print(f"error: no job named {args.run!r}")
            return 2
        print(runner.run(spec, timezone.now()))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    runner.loop(interval=args.interval, once=args.once)
    return 0
