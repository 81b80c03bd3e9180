"""dump_cookie against Werkzeug 3.1's, byte for byte, over many argument combinations."""

from __future__ import annotations

import datetime as dt
import itertools
import warnings

import pytest
import werkzeug.http
from hypothesis import given, settings
from hypothesis import strategies as st

from veloce.core import cookies
from veloce.core.cookies import dump_cookie, parse_set_cookie

FROZEN = 1_700_000_000.25


class _FrozenDatetime(dt.datetime):
    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _FrozenDatetime:  # type: ignore[override]
        return cls.fromtimestamp(FROZEN, tz)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeze "now" for both implementations (Expires derived from Max-Age)."""
    monkeypatch.setattr(cookies, "_now", lambda: FROZEN)
    monkeypatch.setattr(werkzeug.http, "datetime", _FrozenDatetime)


def both(*args: object, **kwargs: object) -> tuple[object, object]:
    """Return (ours, werkzeug's) result or exception for the same call."""
    results = []
    for func in (dump_cookie, werkzeug.http.dump_cookie):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value: object = func(*args, **kwargs)  # type: ignore[operator]
            except Exception as exc:  # noqa: BLE001 - compared below
                value = (type(exc), str(exc))
        results.append((value, [(w.category, str(w.message)) for w in caught]))
    return results[0], results[1]


VALUES = [
    "",
    "simple",
    "with space",
    'quote"inside',
    "back\\slash",
    "comma,value",
    "semi;colon",
    "equals=sign",
    "ünïcödé",
    "emoji \U0001f600",
    "\x00nul",
    "\x19ctrl",
    "\x1a\x1f quirk",
    "del\x7f",
    "tab\tnewline\n",
    "".join(chr(c) for c in range(0x20, 0x7F)),
    "[brackets]{braces}",
]


@pytest.mark.parametrize("value", VALUES)
def test_dump_cookie_values_match_werkzeug(value: str) -> None:
    ours, theirs = both("name", value)
    assert ours == theirs


@pytest.mark.parametrize("char", [chr(c) for c in range(0, 0x100)])
def test_dump_cookie_every_latin1_char_matches_werkzeug(char: str) -> None:
    ours, theirs = both("k", f"a{char}b")
    assert ours == theirs


@given(st.text())
@settings(max_examples=300)
def test_dump_cookie_any_text_value_matches_werkzeug(value: str) -> None:
    try:
        value.encode()
    except UnicodeEncodeError:
        return  # lone surrogates cannot be cookie bytes in either implementation
    ours, theirs = both("key", value)
    assert ours == theirs


@pytest.mark.parametrize("key", ["session", "ключ", "a b", "k\u00e9y"])
def test_dump_cookie_keys_match_werkzeug(key: str) -> None:
    ours, theirs = both(key, "v")
    assert ours == theirs


ATTRIBUTE_GRID = list(
    itertools.product(
        [None, "/", "", "/a b/ü;x", "/%41/~", "/path"],  # path
        [None, "", "example.com", ".example.com", "example.com:8080", "bücher.de", "localhost"],
        [False, True],  # secure
        [False, True],  # httponly
        [None, "lax", "Strict", "NONE"],  # samesite
        [False, True],  # partitioned
    )
)


@pytest.mark.parametrize(
    ("path", "domain", "secure", "httponly", "samesite", "partitioned"), ATTRIBUTE_GRID
)
def test_dump_cookie_attributes_match_werkzeug(
    path: str | None,
    domain: str | None,
    secure: bool,
    httponly: bool,
    samesite: str | None,
    partitioned: bool,
) -> None:
    kwargs = dict(
        path=path,
        domain=domain,
        secure=secure,
        httponly=httponly,
        samesite=samesite,
        partitioned=partitioned,
    )
    ours, theirs = both("k", "v", **kwargs)
    assert ours == theirs


EXPIRES = [
    None,
    0,
    1_500_000_000,
    1_500_000_000.9,
    dt.datetime(2030, 1, 2, 3, 4, 5),
    dt.datetime(2030, 1, 2, 3, 4, 5, 999, tzinfo=dt.timezone(dt.timedelta(hours=5))),
    dt.date(2031, 12, 31),
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "",
]
MAX_AGES = [None, 0, 1, 3600, -5, dt.timedelta(days=2, seconds=3), dt.timedelta(seconds=-1)]


@pytest.mark.parametrize("expires", EXPIRES)
@pytest.mark.parametrize("max_age", MAX_AGES)
@pytest.mark.parametrize("sync_expires", [True, False])
def test_dump_cookie_expiry_matches_werkzeug(
    expires: object, max_age: object, sync_expires: bool, request: pytest.FixtureRequest
) -> None:
    if expires is None:
        # Expires is derived from "now" + Max-Age: freeze both clocks. (The patch
        # replaces werkzeug.http.datetime, so it is only safe without a datetime arg.)
        request.getfixturevalue("frozen_clock")
    ours, theirs = both("k", "v", max_age=max_age, expires=expires, sync_expires=sync_expires)
    assert ours == theirs


def test_dump_cookie_invalid_samesite_raises_like_werkzeug() -> None:
    ours, theirs = both("k", "v", samesite="sometimes")
    assert ours == theirs
    assert ours[0][0] is ValueError


@pytest.mark.parametrize("max_size", [0, 10, 20, 4093])
def test_dump_cookie_size_warning_matches_werkzeug(max_size: int) -> None:
    ours, theirs = both("big", "x" * 50, max_size=max_size, domain="example.com")
    assert ours == theirs


def test_dump_cookie_too_large_warns_user_warning() -> None:
    with pytest.warns(UserWarning, match="cookie is too large"):
        dump_cookie("big", "x" * 5000)


@pytest.mark.parametrize("value", VALUES)
def test_parse_set_cookie_round_trips(value: str) -> None:
    header = dump_cookie("name", value, path="/", samesite="Lax")
    assert parse_set_cookie(header) == ("name", value)
