"""``kaohe demo`` (set up the database, load the demo township, serve it) and ``kaohe manage``
(Django's manage.py, for the odd administrative command)."""

import argparse
import sys


def register(sub) -> None:
    demo = sub.add_parser("demo", help="migrate, load the demo township on first run, print the demo logins")
    demo.add_argument("--serve", action="store_true", help="then serve it with Django's development server")
    demo.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    demo.add_argument(
        "--no-input",
        dest="interactive",
        action="store_false",
        help="never ask; if the database already holds another organisation, leave it without the demo",
    )
    demo.set_defaults(handler=_demo)

    manage = sub.add_parser("manage", help="run a Django management command (manage.py)", add_help=False)
    manage.add_argument("manage_args", nargs=argparse.REMAINDER, metavar="ARGS")
    manage.set_defaults(handler=_manage)


def _demo(args) -> int:
    # local import: Django is set up only when this command runs
    from kaohe.cli import setup_django

    setup_django()
    # local import: Django is set up only when this command runs
    from django.core.management import call_command

    # local import: Django is set up only when this command runs
    from kaohe.org.demo import DEMO_ROOT_CODE, load_demo
    from kaohe.org.models import Unit

    call_command("migrate", interactive=False, verbosity=0)
    url = f"http://127.0.0.1:{args.port}/"
    has_demo = Unit.objects.filter(code=DEMO_ROOT_CODE).exists()
    if not has_demo and Unit.objects.exists() and not _confirm(args.interactive):
        print("The database already holds an organisation; the demo township was not added.")
    else:
        if not has_demo:
            print("Loading the demo township 示范镇 …")
        logins = load_demo(stdout=sys.stdout)
        # local import: Django is set up only when this command runs
        from kaohe.worklog.demo import load_demo_logs

        load_demo_logs(stdout=sys.stdout)
        # local import: Django is set up only when this command runs
        from kaohe.ballot.demo import load_demo_campaign

        load_demo_campaign(stdout=sys.stdout)
        # local import: Django is set up only when this command runs
        from kaohe.appraisal.demo import load_demo_cycle

        load_demo_cycle(stdout=sys.stdout)
        print(_logins_table(logins, url))
    if args.serve:
        call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False)
    return 0


def _confirm(interactive: bool) -> bool:
    if not interactive or not sys.stdin.isatty():
        return False
    answer = input(
        "The database already holds an organisation. Add the demo township 示范镇 beside it? [y/N] "
    )
    return answer.strip().lower() in {"y", "yes"}


def _logins_table(logins: list[tuple[str, str, str]], url: str) -> str:
    rows = [("role", "username", "password", "URL"), *((r, u, p, url) for r, u, p in logins)]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["", "Demo logins (one per role):"]
    for n, row in enumerate(rows):
        lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _manage(args) -> int:
    # local import: Django is set up only when this command runs
    from kaohe.cli import setup_django

    setup_django()
    # local import: Django is set up only when this command runs
    from django.core.management import execute_from_command_line

    args_list = list(args.manage_args)
    if args_list[:1] == ["--"]:
        args_list = args_list[1:]
    try:
        execute_from_command_line(["kaohe manage", *args_list])
    except SystemExit as exc:  # management commands exit on their own errors
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
