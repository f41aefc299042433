"""``kaohe audit seal`` and ``kaohe audit verify``."""

import sys


def register(sub) -> None:
    audit = sub.add_parser("audit", help="seal and verify the audit trail")
    actions = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    seal = actions.add_parser("seal", help="seal pending events into the hash chain")
    seal.set_defaults(handler=_seal)
    verify = actions.add_parser("verify", help="check the hash chain; exits 1 on the first bad event")
    verify.add_argument("--seal", dest="published", help="a published seal SEQ:HASH to check against")
    verify.set_defaults(handler=_verify)


def _seal(args) -> int:
    # local import: Django is set up only when this command runs
    from kaohe.cli import setup_django

    setup_django()
    # local import: Django is set up only when this command runs
    from kaohe.audit.chain import seal_all

    n = seal_all()
    print(f"sealed {n} event(s)")
    return 0


def _verify(args) -> int:
    # local import: Django is set up only when this command runs
    from kaohe.cli import setup_django

    setup_django()
    # local import: Django is set up only when this command runs
    from kaohe.audit.chain import parse_published_seal, verify

    try:
        published = parse_published_seal(args.published) if args.published else None
    except ValueError as exc:
        print(f"error: --seal: {exc}", file=sys.stderr)
        return 2
    report = verify(published)
    seq, head = report.head
    if report.ok:
        print(
            f"OK: {report.checked} sealed event(s) verified; head {seq}:{head}; {report.unsealed} not yet sealed"
        )
        return 0
    print(f"TAMPERED: {report.first_bad}", file=sys.stderr)
    print(
        f"{report.checked} event(s) read before the first bad one; {report.unsealed} not yet sealed",
        file=sys.stderr,
    )
    return 1
