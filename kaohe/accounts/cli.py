"""``kaohe token create | list | revoke``: personal access tokens for API clients (an enterprise-chat
bot, a mobile app) from the command line, as the admin's *API tokens* page issues them. The raw
token is printed once; only its hash is kept. Each change is an audit event with no account as its
actor (the operator at the console)."""

import sys

MAX_DAYS = 3660


def register(sub) -> None:
    p = sub.add_parser("token", help="issue, list and revoke API tokens")
    actions = p.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="issue a token for an account and print it once")
    create.add_argument("username", help="the account the token acts as")
    create.add_argument("--name", required=True, help="what the token is for, e.g. 企业微信机器人")
    create.add_argument("--days", type=int, help="valid for this many days (default: until revoked)")
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="tokens (prefix, account, name, state), newest first")
    listing.add_argument("username", nargs="?", help="only this account's")
    listing.set_defaults(handler=_list)
    revoke = actions.add_parser("revoke", help="revoke a token by its id or its prefix")
    revoke.add_argument("token", help="the id, or the prefix shown by list (kh_…)")
    revoke.set_defaults(handler=_revoke)


def _setup():
    # local import: Django is set up only when this command runs
    from kaohe.cli import setup_django

    setup_django()


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _create(args) -> int:
    _setup()
    # local import: Django is set up only when this command runs
    from datetime import timedelta

    # local import: Django is set up only when this command runs
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    # local import: Django is set up only when this command runs
    from kaohe.accounts.services import create_api_token

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        return _fail(f"username: no account {args.username!r}")
    if not user.is_active:
        return _fail(f"username: the account {args.username!r} is inactive")
    if args.days is not None and not 1 <= args.days <= MAX_DAYS:
        return _fail(f"--days: between 1 and {MAX_DAYS}, not {args.days}")
    expires = timezone.now() + timedelta(days=args.days) if args.days else None
    try:
        token, raw = create_api_token(actor=None, user=user, name=args.name.strip(), expires=expires)
    except ValidationError as exc:
        return _fail("; ".join(f"--{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()))
    print(raw)
    print(
        f"token {token.pk} for {user.username} ({token.name}); copy it now: it is shown only this once",
        file=sys.stderr,
    )
    return 0


def _list(args) -> int:
    _setup()
    # local import: Django is set up only when this command runs
    from django.utils import timezone

    # local import: Django is set up only when this command runs
    from kaohe.accounts.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("-created", "-pk")
    if args.username:
        tokens = tokens.filter(user__username=args.username)
    now = timezone.now()
    for t in tokens:
        state = (
            "revoked" if t.revoked else "expired" if t.expires is not None and t.expires <= now else "active"
        )
        used = timezone.localtime(t.last_used).strftime("%Y-%m-%d %H:%M") if t.last_used else "never used"
        print(f"{t.pk}\t{t.prefix}…\t{t.user.username}\t{t.name}\t{state}\t{used}")
    return 0


def _revoke(args) -> int:
    _setup()
    # local import: Django is set up only when this command runs
    from kaohe.accounts.models import ApiToken
    from kaohe.accounts.services import revoke_api_token

    key = args.token.rstrip("…").strip()
    found = list(
        ApiToken.objects.filter(pk=int(key)) if key.isdigit() else ApiToken.objects.filter(prefix=key)
    )
    if not found:
        return _fail(f"token: no token {args.token!r}")
    if len(found) > 1:
        return _fail(
            f"token: {len(found)} tokens start with {key!r}; give the id shown by `kaohe token list`"
        )
    token = found[0]
    if token.revoked:
        print(f"token {token.pk} was revoked already")
        return 0
    revoke_api_token(actor=None, token=token)
    print(f"token {token.pk} ({token.name}) revoked")
    return 0
