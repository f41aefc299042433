"""QR codes for the print sheets, drawn as inline SVG by segno (pure Python, no image files)."""

from dataclasses import dataclass

import segno
from django.utils.safestring import SafeString, mark_safe

from .codes import display_code


@dataclass(frozen=True)
class CodeCard:
    code: str  # for reading and typing: ACDEF-GHJKM
    svg: SafeString  # the QR code of the voting address with the code in its fragment


def code_card(url: str, raw_code: str) -> CodeCard:
    """The code's print card. The code rides in the address fragment (``#CODE``): the phone's
    browser gives it to the page's script but never sends it to the server or its logs."""
    qr = segno.make(f"{url}#{raw_code}", error="m")
    # segno escapes nothing user-supplied here: the content is our own URL and code alphabet.
    return CodeCard(display_code(raw_code), mark_safe(qr.svg_inline(scale=3, omitsize=False)))  # noqa: S308
