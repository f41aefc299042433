"""The ``kaohe`` command line. Each domain contributes subcommands through a ``register`` function,
so this file only assembles them; commands that need the database call :func:`setup_django` first."""

import argparse
import importlib
import os
import sys

# Modules that add subcommands. Each defines ``register(subparsers)`` and imports Django models only
# inside its handlers, so engine-only commands (compute, explain) start without a database.
COMMAND_MODULES = [
    "kaohe.web.cli",
    "kaohe.org.cli",
    "kaohe.accounts.cli",
    "kaohe.audit.cli",
    "kaohe.worklog.cli",
    "kaohe.scheduler.cli",
    "kaohe.engine_cli.commands",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
    import django  # local import: `kaohe compute` and `explain` run without Django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kaohe", description="Kaohe (考核) performance appraisal")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and (exc.name == name or name.startswith(exc.name + ".")):
                continue  # a domain that has not landed yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result = args.handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
