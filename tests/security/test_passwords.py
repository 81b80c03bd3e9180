"""Password hashing: Werkzeug's format proven against real Werkzeug, both ways; the
native format; the policy check and constant-time comparison.

Low KDF costs (``scrypt:1024:8:1``, ``pbkdf2:sha256:1000``) keep the suite fast; one
test pays for the default scrypt cost to prove the default string matches.
"""

from __future__ import annotations

import asyncio
import re
import typing as t

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veloce.security import (
    constant_time_compare,
    hash_password,
    hash_password_async,
    is_strong_password,
    verify_password,
    verify_password_async,
)
from veloce.security.passwords import (
    check_password_hash,
    gen_salt,
    generate_password_hash,
)

CHEAP_METHODS = [
    "scrypt:1024:8:1",
    "scrypt:2048:4:2",
    "pbkdf2:sha256:1000",
    "pbkdf2:sha512:500",
    "pbkdf2:sha1:100",
]
PASSWORDS = ["hunter2", "", "ünïcödé ☃ pass", "a" * 200, "with$dollar:colon"]


def wz() -> t.Any:
    import werkzeug.security

    return werkzeug.security


# -- Werkzeug's format -----------------------------------------------------------------


@pytest.mark.parametrize("method", CHEAP_METHODS)
@pytest.mark.parametrize("password", PASSWORDS, ids=repr)
def test_werkzeug_accepts_our_hashes(method: str, password: str) -> None:
    pwhash = generate_password_hash(password, method=method)
    assert wz().check_password_hash(pwhash, password)
    assert not wz().check_password_hash(pwhash, password + "x")


@pytest.mark.parametrize("method", CHEAP_METHODS)
@pytest.mark.parametrize("password", PASSWORDS, ids=repr)
def test_we_accept_werkzeug_hashes(method: str, password: str) -> None:
    pwhash = wz().generate_password_hash(password, method=method)
    assert check_password_hash(pwhash, password)
    assert not check_password_hash(pwhash, password + "x")
    assert verify_password(password, pwhash)
    assert not verify_password(password + "x", pwhash)


@pytest.mark.parametrize("method", CHEAP_METHODS)
@pytest.mark.parametrize("salt_length", [1, 8, 16, 40])
def test_hash_string_shape_matches_werkzeug(method: str, salt_length: int) -> None:
    ours = generate_password_hash("pw", method=method, salt_length=salt_length)
    theirs = wz().generate_password_hash("pw", method=method, salt_length=salt_length)
    ours_method, ours_salt, ours_hex = ours.split("$")
    theirs_method, theirs_salt, theirs_hex = theirs.split("$")
    assert ours_method == theirs_method
    assert len(ours_salt) == len(theirs_salt) == salt_length
    assert re.fullmatch(r"[A-Za-z0-9]+", ours_salt)
    assert len(ours_hex) == len(theirs_hex) and re.fullmatch(r"[0-9a-f]+", ours_hex)


def test_same_salt_gives_werkzeugs_exact_string(monkeypatch: pytest.MonkeyPatch) -> None:
    import veloce.security.passwords as ours

    monkeypatch.setattr(ours, "gen_salt", lambda n: "S" * n)
    monkeypatch.setattr(wz(), "gen_salt", lambda n: "S" * n)
    for method in CHEAP_METHODS:
        assert generate_password_hash("pw", method) == wz().generate_password_hash("pw", method)


def test_default_scrypt_string_matches_werkzeug() -> None:
    ours = generate_password_hash("pw")
    theirs = wz().generate_password_hash("pw")
    assert ours.split("$")[0] == theirs.split("$")[0] == "scrypt:32768:8:1"
    assert wz().check_password_hash(ours, "pw") and check_password_hash(theirs, "pw")


@pytest.mark.parametrize("method", ["pbkdf2", "pbkdf2:sha512"])
def test_pbkdf2_default_iterations_match_werkzeug(
    monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    import veloce.security.passwords as ours

    assert ours._WERKZEUG_PBKDF2_ITERATIONS == wz().DEFAULT_PBKDF2_ITERATIONS
    # Same default applied the same way, at a cost the test can afford.
    monkeypatch.setattr(ours, "_WERKZEUG_PBKDF2_ITERATIONS", 1000)
    monkeypatch.setattr(wz(), "DEFAULT_PBKDF2_ITERATIONS", 1000)
    mine = generate_password_hash("pw", method)
    assert mine.split("$")[0] == wz().generate_password_hash("pw", method).split("$")[0]
    assert wz().check_password_hash(mine, "pw")


def _outcome(fn: t.Callable[[], t.Any]) -> t.Any:
    try:
        return ("ok", fn())
    except Exception as exc:  # noqa: BLE001 - comparing outcomes, whatever they are
        return ("raised", type(exc), str(exc))


BAD_HASHES = [
    "",
    "nodollar",
    "scrypt:1024:8:1$onlysalt",
    "md5$salt$abcdef",
    "plain$salt$pw",
    "scrypt:1024:8$salt$00",
    "scrypt:a:b:c$salt$00",
    "scrypt:1024:8:1:9$salt$00",
    "pbkdf2:sha256:1000:1$salt$00",
    "pbkdf2:sha256:many$salt$00",
    "pbkdf2:nohash:10$salt$00",
    "scrypt:1000:8:1$salt$00",
    "pbkdf2:sha256:1000$salt$",
    "pbkdf2:sha256:1000$$deadbeef",
    "pbkdf2:sha256:1000$salt$dead$beef",
]


@pytest.mark.parametrize("pwhash", BAD_HASHES, ids=repr)
def test_check_password_hash_bad_input_like_werkzeug(pwhash: str) -> None:
    assert _outcome(lambda: check_password_hash(pwhash, "pw")) == _outcome(
        lambda: wz().check_password_hash(pwhash, "pw")
    )


@pytest.mark.parametrize("method", ["md5", "scrypt:1:2", "pbkdf2:a:b:c", "bcrypt"])
def test_generate_bad_method_like_werkzeug(method: str) -> None:
    assert _outcome(lambda: generate_password_hash("pw", method)) == _outcome(
        lambda: wz().generate_password_hash("pw", method)
    )


@pytest.mark.parametrize("length", [0, -1])
def test_gen_salt_length_like_werkzeug(length: int) -> None:
    assert _outcome(lambda: gen_salt(length)) == _outcome(lambda: wz().gen_salt(length))
    assert _outcome(lambda: generate_password_hash("pw", "pbkdf2:sha256:1", length)) == (
        _outcome(lambda: wz().generate_password_hash("pw", "pbkdf2:sha256:1", length))
    )


def test_non_ascii_stored_hash_is_a_mismatch() -> None:
    assert check_password_hash("pbkdf2:sha256:10$salt$déadbeef", "pw") is False


# -- Veloce's format -------------------------------------------------------------------

NATIVE = re.compile(r"(scrypt|pbkdf2:\w+)\$([0-9:]+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)")


@pytest.mark.parametrize("method", CHEAP_METHODS)
def test_hash_password_format_and_round_trip(method: str) -> None:
    stored = hash_password("correct horse", method=method)
    match = NATIVE.fullmatch(stored)
    assert match is not None, stored
    name, *args = method.split(":")
    if name == "scrypt":
        assert match.group(1, 2) == ("scrypt", ":".join(args))
    else:
        assert match.group(1, 2) == (f"pbkdf2:{args[0]}", args[1])
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsf", stored)


def test_hash_password_default_is_scrypt() -> None:
    stored = hash_password("pw")
    assert stored.startswith("scrypt$32768:8:1$")
    assert verify_password("pw", stored)


def test_hash_password_pbkdf2_default_params() -> None:
    import veloce.security.passwords as ours

    stored = hash_password("pw", "pbkdf2:sha256:1000")
    assert stored.startswith("pbkdf2:sha256$1000$")
    assert ours._PBKDF2_ITERATIONS >= 600_000


def test_hash_password_salt_is_random_and_sized() -> None:
    import base64

    a = hash_password("pw", "pbkdf2:sha256:10", salt_length=24)
    b = hash_password("pw", "pbkdf2:sha256:10", salt_length=24)
    assert a != b
    salt = a.split("$")[2]
    assert len(base64.urlsafe_b64decode(salt + "=" * (-len(salt) % 4))) == 24


def test_str_and_bytes_passwords_agree() -> None:
    stored = hash_password("pässword", "pbkdf2:sha256:10")
    assert verify_password("pässword".encode(), stored)
    stored = hash_password(b"raw", "scrypt:1024:8:1")
    assert verify_password("raw", stored)


@pytest.mark.parametrize("method", ["md5", "scrypt:1:2", "pbkdf2:a:b:c"])
def test_hash_password_rejects_bad_method(method: str) -> None:
    with pytest.raises(ValueError):
        hash_password("pw", method)


def test_hash_password_rejects_empty_salt() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        hash_password("pw", salt_length=0)


MALFORMED = [
    "",
    "$",
    "$$$",
    "scrypt$$$",
    "scrypt$1024:8:1$$",
    "scrypt$1024:8$c2FsdA$aGFzaA",
    "scrypt$1000:8:1$c2FsdA$aGFzaA",
    "scrypt$1024:8:1$!!$aGFzaA",
    "scrypt$1024:8:1$c2FsdA$!!",
    "pbkdf2:nohash$10$c2FsdA$aGFzaA",
    "pbkdf2:sha256$x$c2FsdA$aGFzaA",
    "pbkdf2:sha256$-5$c2FsdA$aGFzaA",
    "md5$1$c2FsdA$aGFzaA",
    "a$b$c$d$e",
    "md5$salt$hash",
    "pbkdf2:sha256:1000$salt$nothex",
    "scrypt$99999999999:8:1$c2FsdA$aGFzaA",
]


@pytest.mark.parametrize("stored", MALFORMED, ids=repr)
def test_verify_password_malformed_is_false(stored: str) -> None:
    assert verify_password("pw", stored) is False


@pytest.mark.parametrize("stored", [None, 5, b"scrypt$1024:8:1$c2FsdA$aGFzaA"], ids=repr)
def test_verify_password_non_str_is_false(stored: t.Any) -> None:
    assert verify_password("pw", stored) is False


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_verify_password_never_raises(stored: str) -> None:
    assert verify_password("pw", stored) is False


def test_async_wrappers() -> None:
    async def main() -> tuple[str, bool, bool]:
        stored = await hash_password_async("pw", "scrypt:1024:8:1")
        return (
            stored,
            await verify_password_async("pw", stored),
            await verify_password_async("no", stored),
        )

    stored, good, bad = asyncio.run(main())
    assert stored.startswith("scrypt$1024:8:1$") and good and not bad


# -- policy and comparison -------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "kwargs", "expected"),
    [
        ("abc12345", {}, True),
        ("abcdefgh", {}, False),
        ("12345678", {}, False),
        ("abc1234", {}, False),
        ("abc1234", {"min_length": 7}, True),
        ("ünïcödé1", {}, True),
        ("a1", {"min_length": 2}, True),
        ("a1" * 10, {"min_length": 21}, False),
        ("", {"min_length": 0}, False),
        ("!!!!!!!!1a", {}, True),
    ],
)
def test_is_strong_password(password: str, kwargs: dict[str, t.Any], expected: bool) -> None:
    assert is_strong_password(password, **kwargs) is expected


def test_is_strong_password_non_str_is_false() -> None:
    assert is_strong_password(b"abc12345") is False  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("token", "token", True),
        ("token", "tokeN", False),
        ("tok", "token", False),
        ("ünï", "ünï", True),
        ("", "", True),
        (b"\x00\xff", b"\x00\xff", True),
        (b"a", bytearray(b"a"), True),
        (memoryview(b"ab"), b"ab", True),
        (b"a", b"b", False),
        ("a", b"a", False),
        (b"a", "a", False),
        (None, None, False),
        (1, 1, False),
        ("a", None, False),
    ],
)
def test_constant_time_compare(a: t.Any, b: t.Any, expected: bool) -> None:
    assert constant_time_compare(a, b) is expected
