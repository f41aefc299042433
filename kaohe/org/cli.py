"""``kaohe import people FILE.xlsx``, ``kaohe export people OUT.xlsx`` and ``kaohe template OUT.xlsx``."""

import sys
from pathlib import Path


def register(sub) -> None:
    imp = sub.add_parser("import", help="import units and people from an Excel workbook (all or nothing)")
    imp_what = imp.add_subparsers(dest="import_what", required=True, metavar="WHAT")
    people = imp_what.add_parser(
        "people", help="the 单位 and 人员 sheets of a workbook made from the template"
    )
    people.add_argument("file", type=Path, metavar="FILE.xlsx")
    people.add_argument(
        "--year", type=int, help="year of the appraisal attribute columns (default: this year)"
    )
    people.set_defaults(handler=_import_people)

    exp = sub.add_parser("export", help="export to an Excel workbook in the import template's layout")
    exp_what = exp.add_subparsers(dest="export_what", required=True, metavar="WHAT")
    exp_people = exp_what.add_parser("people", help="every person, with their units")
    exp_people.add_argument("out", type=Path, metavar="OUT.xlsx")
    exp_people.set_defaults(handler=_export_people)
    exp_units = exp_what.add_parser("units", help="every unit")
    exp_units.add_argument("out", type=Path, metavar="OUT.xlsx")
    exp_units.set_defaults(handler=_export_units)

    template = sub.add_parser("template", help="write the blank import template (units and people)")
    template.add_argument("out", type=Path, metavar="OUT.xlsx")
    template.set_defaults(handler=_template)


def _import_people(args) -> int:
    from kaohe.cli import setup_django  # local import: kaohe.cli imports this module

    setup_django()
    from tqdm import tqdm  # local import: only this command draws progress

    from kaohe.org.excel import import_workbook  # local import: after setup_django()

    if not args.file.is_file():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 2
    with args.file.open("rb") as fh:
        result = import_workbook(fh, actor=None, filename=args.file.name, progress=tqdm, year=args.year)
    if not result.ok:
        print(f"{args.file}: {len(result.issues)} problem(s); nothing was imported.", file=sys.stderr)
        for issue in result.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    print(
        f"{args.file}: units {result.units_created} created, {result.units_updated} updated, "
        f"{result.units_unchanged} unchanged; people {result.people_created} created, "
        f"{result.people_updated} updated, {result.people_unchanged} unchanged; "
        f"{result.accounts_created} account(s) created, {result.accounts_linked} linked; "
        f"{result.attributes_set} attribute value(s) stored for {result.year}."
    )
    return 0


def _write(path: Path, data: bytes) -> int:
    path.write_bytes(data)
    print(f"wrote {path}")
    return 0


def _export_people(args) -> int:
    from kaohe.cli import setup_django  # local import: kaohe.cli imports this module

    setup_django()
    from kaohe.org.excel import export_people  # local import: after setup_django()
    from kaohe.org.models import Person  # local import: after setup_django()

    return _write(args.out, export_people(Person.objects.all()))


def _export_units(args) -> int:
    from kaohe.cli import setup_django  # local import: kaohe.cli imports this module

    setup_django()
    from kaohe.org.excel import export_units  # local import: after setup_django()
    from kaohe.org.models import Unit  # local import: after setup_django()

    return _write(args.out, export_units(Unit.objects.all()))


def _template(args) -> int:
    from kaohe.cli import setup_django  # local import: kaohe.cli imports this module

    setup_django()
    from kaohe.org.excel import build_template  # local import: after setup_django()

    return _write(args.out, build_template())
