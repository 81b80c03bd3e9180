"""Signer: round trips, rejection of every kind of bad token, and itsdangerous interop.

The token format is itsdangerous's ``URLSafeTimedSerializer`` with HMAC key
derivation and SHA-256, so the tests check both directions against real
itsdangerous instead of hard-coding tokens.
"""

from __future__ import annotations

import hashlib
import json
import time
import typing as t

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from veloce.security import BadData, BadSignature, BadTimeSignature, Signer

SECRET = "server-secret"
SALT = "reset-token"
VALUES: list[t.Any] = [
    {"user_id": 42},
    [1, "two", None, True, 1.5],
    "ünïcödé ☃",
    0,
    None,
    {"nested": {"list": [{"a": []}]}},
]


def itsdangerous_serializer(secret: t.Any = SECRET, salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret,
        salt=salt,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> t.Callable[[float], None]:
    """Move ``time.time`` (as seen by both Veloce and itsdangerous)."""
    offset = [0.0]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])

    def shift(seconds: float) -> None:
        offset[0] = seconds

    return shift


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_round_trip(value: t.Any) -> None:
    signer = Signer(secret=SECRET, salt=SALT)
    token = signer.dumps(value)
    assert isinstance(token, str) and token.isascii()
    assert signer.loads(token) == value
    assert signer.loads(token.encode()) == value
    assert signer.loads(token, max_age=3600) == value


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_itsdangerous_reads_our_tokens(value: t.Any) -> None:
    token = Signer(SECRET, SALT).dumps(value)
    assert itsdangerous_serializer().loads(token, max_age=60) == value


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_we_read_itsdangerous_tokens(value: t.Any) -> None:
    token = itsdangerous_serializer().dumps(value)
    assert Signer(SECRET, SALT).loads(token, max_age=60) == value


def test_tokens_identical_to_itsdangerous(monkeypatch: pytest.MonkeyPatch) -> None:
    now = int(time.time())
    monkeypatch.setattr(time, "time", lambda: now + 0.25)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now)
    for value in [*VALUES, {"data": "repeat " * 500}]:
        assert Signer(SECRET, SALT).dumps(value) == itsdangerous_serializer().dumps(value)


def test_compressible_payload_is_compressed_both_ways() -> None:
    value = {"data": "repeat " * 500}
    token = itsdangerous_serializer().dumps(value)
    assert token.startswith(".")
    assert Signer(SECRET, SALT).loads(token) == value
    ours = Signer(SECRET, SALT).dumps(value)
    assert ours.startswith(".") and len(ours) < 200
    assert itsdangerous_serializer().loads(ours) == value


def test_decompression_bomb_is_bad_data() -> None:
    import base64
    import zlib

    bomb = zlib.compress(b"[" + b" " * (20 * 1024 * 1024) + b"]", 9)
    token = _signed_raw(b"." + base64.urlsafe_b64encode(bomb).rstrip(b"="))
    with pytest.raises(BadData):
        Signer(SECRET, SALT).loads(token)


def test_salt_separates_uses() -> None:
    token = Signer(SECRET, "reset-token").dumps({"a": 1})
    with pytest.raises(BadSignature):
        Signer(SECRET, "email-confirm").loads(token)


def test_wrong_secret_rejected() -> None:
    token = Signer("other-secret", SALT).dumps({"a": 1})
    with pytest.raises(BadSignature) as info:
        Signer(SECRET, SALT).loads(token)
    assert type(info.value) is BadSignature


_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _flip(token: str, index: int) -> str:
    # Flip the highest bit of the 6-bit value: a change in the low bits of a segment's
    # last character can land in base64 padding bits and decode to the same bytes.
    replacement = _B64URL[_B64URL.index(token[index]) ^ 32]
    return token[:index] + replacement + token[index + 1 :]


def test_tampering_anywhere_is_rejected() -> None:
    signer = Signer(SECRET, SALT)
    token = signer.dumps({"user_id": 42, "role": "user"})
    for index, char in enumerate(token):
        if char == ".":
            continue
        tampered = _flip(token, index)
        with pytest.raises(BadSignature):
            signer.loads(tampered)


def test_truncation_is_rejected() -> None:
    signer = Signer(SECRET, SALT)
    token = signer.dumps({"user_id": 42})
    for end in range(len(token)):
        with pytest.raises(BadSignature):
            signer.loads(token[:end])


@pytest.mark.parametrize(
    "token",
    ["", ".", "..", "a.b", "a.b.c", "!!.!!.!!", "é.é.é", "a" * 5000, "a.b.c.d"],
    ids=repr,
)
def test_garbage_is_bad_signature(token: str) -> None:
    with pytest.raises(BadSignature):
        Signer(SECRET, SALT).loads(token)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_random_input_only_raises_bad_signature(token: t.Any) -> None:
    with pytest.raises(BadSignature):
        Signer(SECRET, SALT).loads(token)


def test_max_age_expiry(clock: t.Callable[[float], None]) -> None:
    signer = Signer(SECRET, SALT)
    token = signer.dumps({"a": 1})
    clock(100)
    assert signer.loads(token, max_age=200) == {"a": 1}
    assert signer.loads(token) == {"a": 1}
    with pytest.raises(BadTimeSignature):
        signer.loads(token, max_age=50)
    with pytest.raises(BadSignature):  # the hierarchy lets callers catch one type
        signer.loads(token, max_age=50)


def test_future_token_rejected_with_max_age(clock: t.Callable[[float], None]) -> None:
    clock(3600)
    token = Signer(SECRET, SALT).dumps({"a": 1})
    clock(0)
    with pytest.raises(BadTimeSignature):
        Signer(SECRET, SALT).loads(token, max_age=60)


def test_fallback_secret_verifies_but_does_not_sign() -> None:
    old = Signer("old-secret", SALT)
    old_token = old.dumps({"a": 1})
    signer = Signer("new-secret", SALT)
    with pytest.raises(BadSignature):
        signer.loads(old_token)
    signer.add_fallback_secret("old-secret")
    assert signer.loads(old_token) == {"a": 1}
    new_token = signer.dumps({"b": 2})
    assert Signer("new-secret", SALT).loads(new_token) == {"b": 2}
    with pytest.raises(BadSignature):
        old.loads(new_token)
    assert Signer("new-secret", SALT, fallback_secrets=["old-secret"]).loads(old_token) == {"a": 1}


def test_bytes_secret_and_salt() -> None:
    token = Signer(b"\x00\xffkey", b"salt").dumps([1])
    assert Signer(b"\x00\xffkey", b"salt").loads(token) == [1]
    assert itsdangerous_serializer(b"\x00\xffkey", "salt").loads(token) == [1]


def _signed_raw(payload: bytes, timestamp: bytes | None = None) -> str:
    """A correctly signed token whose payload/timestamp parts are chosen verbatim."""
    import base64
    import hmac

    key = hmac.new(SECRET.encode(), SALT.encode(), hashlib.sha256).digest()
    if timestamp is None:
        now = int(time.time())
        timestamp = base64.urlsafe_b64encode(now.to_bytes(4, "big")).rstrip(b"=")
    signed = payload + b"." + timestamp
    sig = base64.urlsafe_b64encode(hmac.new(key, signed, hashlib.sha256).digest()).rstrip(b"=")
    return (signed + b"." + sig).decode()


@pytest.mark.parametrize(
    ("payload", "timestamp"),
    [
        (b"!!!!", None),  # not base64
        (b"bm90IGpzb24", None),  # base64 of "not json"
        (b".eJzLSM3JyQcABiwCFQ", None),  # zlib of "hello": not JSON
        (b".bm90IHpsaWI", None),  # "not zlib"
        (b"e30", b"!!"),  # malformed timestamp
        (b"e30", b""),  # empty timestamp
        (b"e30", b"AAAAAAAAAAAA"),  # 9-byte timestamp
    ],
)
def test_undecodable_payload_is_bad_data(payload: bytes, timestamp: bytes | None) -> None:
    token = _signed_raw(payload, timestamp)
    with pytest.raises(BadData):
        Signer(SECRET, SALT).loads(token)


def test_signed_plain_json_payload_loads() -> None:
    import base64

    token = _signed_raw(base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).rstrip(b"="))
    assert Signer(SECRET, SALT).loads(token) == {"a": 1}


def test_exception_hierarchy() -> None:
    assert issubclass(BadSignature, Exception)
    assert issubclass(BadData, BadSignature)
    assert issubclass(BadTimeSignature, BadSignature)
    assert not issubclass(BadTimeSignature, BadData)


def test_empty_secrets_refused() -> None:
    with pytest.raises(ValueError, match="non-empty secret"):
        Signer("")
    with pytest.raises(ValueError, match="must not be empty"):
        Signer(SECRET).add_fallback_secret(b"")


def test_unserialisable_value_raises_type_error() -> None:
    with pytest.raises(TypeError):
        Signer(SECRET).dumps({"a": object()})
