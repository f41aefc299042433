"""One-time voting codes: random, human-typable, stored only as a keyed hash.

Pure (no Django): the key is passed in, so the same functions serve services and tests.
"""

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: characters that look alike on paper or on a phone keyboard.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 10


class CodeError(ValueError):
    """A string that cannot be a code (wrong length or characters)."""


def generate_code(length: int = LENGTH) -> str:
    """A fresh random code of ``length`` characters from :data:`ALPHABET` (≈ 46 bits for 10)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def display_code(code: str) -> str:
    """The code in two halves for reading aloud and typing: ``ACDEF-GHJKM``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_code(raw: str) -> str:
    """Upper-case, without spaces and dashes; :class:`CodeError` if it cannot be a code."""
    code = "".join(ch for ch in str(raw).upper() if ch not in " -\t\r\n")
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        raise CodeError(raw)
    return code


def hash_code(code: str, key: str) -> str:
    """HMAC-SHA256 of the normalised code. Keyed, so a copy of the table alone cannot be searched
    by trying every possible code."""
    return hmac.new(key.encode(), normalise_code(code).encode(), hashlib.sha256).hexdigest()
