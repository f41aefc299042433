"""One-time codes: random, typable, normalised on input, stored only as a keyed hash."""

import pytest

from kaohe.ballot.codes import (
    ALPHABET,
    LENGTH,
    CodeError,
    display_code,
    generate_code,
    hash_code,
    normalise_code,
)


def test_codes_use_only_unambiguous_characters():
    codes = {generate_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)
    assert not set("01OIL25SZB8") & set(ALPHABET)


def test_a_code_is_read_however_it_is_typed():
    code = generate_code()
    typed = display_code(code).lower().replace("-", " - ")
    assert normalise_code(typed) == code
    assert hash_code(typed, "k") == hash_code(code, "k")


def test_the_hash_depends_on_the_key_and_is_not_the_code():
    code = generate_code()
    assert hash_code(code, "k1") != hash_code(code, "k2")
    assert code not in hash_code(code, "k1")
    assert len(hash_code(code, "k1")) == 64


@pytest.mark.parametrize("raw", ["", "ACDEF", "ACDEFGHJK0", "ACDEFGHJKMN", "ACDEF\x00HJKM"])
def test_it_refuses_what_cannot_be_a_code(raw):
    with pytest.raises(CodeError):
        normalise_code(raw)
