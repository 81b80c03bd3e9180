"""Datastructure parity with ``werkzeug.datastructures``: same operations, same results."""

from __future__ import annotations

import asyncio
import copy
import io
import pickle
import typing as t

import pytest
import werkzeug.datastructures as wz
from hypothesis import given, settings
from hypothesis import strategies as st

from veloce.core import datastructures as ds
from veloce.core.exceptions import BadRequest, BadRequestKeyError


def outcome(call: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
    """The value of ``call(*args)`` with iterators listed, or the exception class name."""
    try:
        value = call(*args)
    except Exception as exc:  # noqa: BLE001 - comparing failure types
        return ("raised", "KeyError" if isinstance(exc, KeyError) else type(exc).__name__)
    if hasattr(value, "__next__"):
        return list(value)
    if isinstance(value, (wz.MultiDict, ds.MultiDict)):
        return ("multidict", list(value.items(multi=True)))
    return value


def pairs(d: t.Any) -> list[tuple[t.Any, t.Any]]:
    return list(d.items(multi=True))


INIT = [
    None,
    [("a", "1"), ("b", "2"), ("a", "3")],
    {"a": "1", "b": ["2", "3"], "c": [], "d": ("4",)},
]


@pytest.mark.parametrize("init", INIT)
def test_multidict_construction_and_reads(init: t.Any) -> None:
    ours, theirs = ds.MultiDict(init), wz.MultiDict(init)
    assert repr(ours) == repr(theirs)
    for call in [
        lambda d: d["a"],
        lambda d: d["missing"],
        lambda d: d.get("a"),
        lambda d: d.get("x", "dflt"),
        lambda d: d.get("a", type=int),
        lambda d: d.get("b", -1, type=lambda v: int(v) * 2),
        lambda d: d.get("a", 0, type=lambda v: None + 1),
        lambda d: d.getlist("a"),
        lambda d: d.getlist("a", type=int),
        lambda d: d.getlist("zz"),
        lambda d: list(d),
        lambda d: len(d),
        lambda d: "a" in d,
        lambda d: d.items(),
        lambda d: d.items(multi=True),
        lambda d: d.lists(),
        lambda d: d.values(),
        lambda d: list(d.listvalues()),
        lambda d: list(d.keys()),
        lambda d: d.to_dict(),
        lambda d: d.to_dict(flat=False),
        lambda d: dict(d),
        lambda d: d.copy(),
        lambda d: d.deepcopy(),
        lambda d: bool(d),
    ]:
        assert outcome(call, ours) == outcome(call, theirs)
    with pytest.raises(BadRequestKeyError) as info:
        ours["missing"]
    assert isinstance(info.value, KeyError) and isinstance(info.value, BadRequest)
    assert info.value.args == ("missing",)


MUTATIONS: list[t.Callable[[t.Any], t.Any]] = [
    lambda d: d.__setitem__("a", "new"),
    lambda d: d.add("a", "x"),
    lambda d: d.add("n", "y"),
    lambda d: d.setlist("b", ["p", "q"]),
    lambda d: d.setlist("e", []),
    lambda d: d.setdefault("a", "z"),
    lambda d: d.setdefault("f", "z"),
    lambda d: d.setdefault("g"),
    lambda d: d.setlistdefault("a"),
    lambda d: d.setlistdefault("h", ["1", "2"]).append("3"),
    lambda d: d.update({"a": ["u", "v"], "i": "w"}),
    lambda d: d.update([("a", "t")]),
    lambda d: d.update(
        wz.MultiDict([("j", "k")]) if isinstance(d, wz.MultiDict) else ds.MultiDict([("j", "k")])
    ),
    lambda d: d.pop("a"),
    lambda d: d.pop("missing"),
    lambda d: d.pop("missing", "dflt"),
    lambda d: d.poplist("b"),
    lambda d: d.poplist("missing"),
    lambda d: d.popitem(),
    lambda d: d.popitemlist(),
    lambda d: d.__delitem__("c"),
    lambda d: d.clear(),
    lambda d: d.__ior__({"o": "p"}),
    lambda d: d | {"q": ["r", "s"]},
    lambda d: d.setlist("e", []) or d.pop("e"),
]


@pytest.mark.parametrize("index", range(len(MUTATIONS)))
def test_multidict_mutations_match(index: int) -> None:
    init = [("a", "1"), ("b", "2"), ("a", "3"), ("c", "4")]
    ours, theirs = ds.MultiDict(init), wz.MultiDict(init)
    mutate = MUTATIONS[index]
    assert outcome(lambda: mutate(ours)) == outcome(lambda: mutate(theirs))
    assert pairs(ours) == pairs(theirs)
    assert repr(ours) == repr(theirs)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abcd"), st.text(max_size=3)), max_size=12),
    st.lists(
        st.tuples(
            st.sampled_from(["add", "set", "setlist", "pop", "poplist", "update"]),
            st.sampled_from("abcd"),
            st.text(max_size=3),
        ),
        max_size=10,
    ),
)
def test_multidict_random_operation_sequences(
    init: list[tuple[str, str]], ops: list[tuple[str, str, str]]
) -> None:
    ours, theirs = ds.MultiDict(init), wz.MultiDict(init)
    for op, key, value in ops:
        for d in (ours, theirs):
            if op == "add":
                d.add(key, value)
            elif op == "set":
                d[key] = value
            elif op == "setlist":
                d.setlist(key, [value, value + "!"])
            elif op == "pop":
                d.pop(key, None)
            elif op == "poplist":
                d.poplist(key)
            else:
                d.update({key: [value, "u"]})
        assert pairs(ours) == pairs(theirs)
        assert ours.to_dict() == theirs.to_dict()


def test_multidict_copy_pickle_and_deepcopy() -> None:
    ours = ds.MultiDict([("a", ["x"]), ("a", ["y"])])
    deep = copy.deepcopy(ours)
    deep.getlist("a")[0].append("changed")  # getlist copies the outer list only
    assert ours.getlist("a") == [["x"], ["y"]]
    shallow = copy.copy(ours)
    assert shallow == ours and shallow is not ours
    restored = pickle.loads(pickle.dumps(ours))
    assert pairs(restored) == pairs(ours) and type(restored) is ds.MultiDict
    frozen = ds.ImmutableMultiDict([("a", "1"), ("a", "2")])
    assert pairs(pickle.loads(pickle.dumps(frozen))) == [("a", "1"), ("a", "2")]


IMMUTABLE_MUTATORS = [
    "__setitem__",
    "__delitem__",
    "add",
    "setlist",
    "setdefault",
    "setlistdefault",
    "update",
    "pop",
    "popitem",
    "poplist",
    "popitemlist",
    "clear",
    "__ior__",
]


@pytest.mark.parametrize("method", IMMUTABLE_MUTATORS)
def test_immutable_multidict_refuses_mutation(method: str) -> None:
    ours = ds.ImmutableMultiDict([("a", "1")])
    theirs = wz.ImmutableMultiDict([("a", "1")])
    args: dict[str, tuple[t.Any, ...]] = {
        "__setitem__": ("a", "x"),
        "__delitem__": ("a",),
        "add": ("a", "x"),
        "setlist": ("a", ["x"]),
        "setdefault": ("a", "x"),
        "setlistdefault": ("a",),
        "update": ({"a": "x"},),
        "pop": ("a",),
        "poplist": ("a",),
        "__ior__": ({"a": "x"},),
    }
    call_args = args.get(method, ())
    assert (
        outcome(lambda: getattr(ours, method)(*call_args))
        == outcome(lambda: getattr(theirs, method)(*call_args))
        == ("raised", "TypeError")
    )
    assert pairs(ours) == [("a", "1")]


def test_immutable_multidict_copy_hash_and_repr() -> None:
    ours = ds.ImmutableMultiDict([("a", "1"), ("b", "2")])
    theirs = wz.ImmutableMultiDict([("a", "1"), ("b", "2")])
    assert repr(ours) == repr(theirs)
    assert hash(ours) == hash(ds.ImmutableMultiDict([("b", "2"), ("a", "1")]))
    mutable = ours.copy()
    assert type(mutable) is ds.MultiDict
    mutable.add("c", "3")
    assert "c" not in ours and copy.copy(ours) is ours
    assert pairs(ds.ImmutableMultiDict.fromkeys(["x", "y"], "v")) == [("x", "v"), ("y", "v")]


def test_combined_multidict_matches() -> None:
    a, b = [("x", "1"), ("y", "2"), ("x", "3")], [("x", "4"), ("z", "5")]
    ours = ds.CombinedMultiDict([ds.MultiDict(a), ds.ImmutableMultiDict(b)])
    theirs = wz.CombinedMultiDict([wz.MultiDict(a), wz.ImmutableMultiDict(b)])
    for call in [
        lambda d: d["x"],
        lambda d: d["z"],
        lambda d: d["nope"],
        lambda d: d.get("x", type=int),
        lambda d: d.get("z", "q", type=lambda v: int(v) + 1),
        lambda d: d.getlist("x"),
        lambda d: sorted(d.keys()),
        lambda d: sorted(d),
        lambda d: len(d),
        lambda d: "z" in d,
        lambda d: d.items(),
        lambda d: d.items(multi=True),
        lambda d: sorted(d.lists()),
        lambda d: list(d.values()),
        lambda d: d.to_dict(),
        lambda d: d.to_dict(flat=False),
        lambda d: d.copy(),
        lambda d: d.add("a", "b"),
        lambda d: d.pop("x"),
        lambda d: dict(d),
    ]:
        assert outcome(call, ours) == outcome(call, theirs)
    assert repr(ours) == repr(theirs)
    with pytest.raises(TypeError):
        ds.CombinedMultiDict.fromkeys(["a"])
    assert pickle.loads(pickle.dumps(ours)).to_dict(flat=False) == ours.to_dict(flat=False)
    assert ds.MultiDict(ours).to_dict(flat=False) == theirs.to_dict(flat=False)


def test_iter_multi_items() -> None:
    for value in [ds.MultiDict([("a", 1), ("a", 2)]), {"a": [1, 2], "b": 3, "c": (4,)}, [("x", 1)]]:
        theirs_value = (
            wz.MultiDict(value.items(multi=True)) if isinstance(value, ds.MultiDict) else value
        )
        assert list(ds.iter_multi_items(value)) == list(wz.iter_multi_items(theirs_value))


def test_immutable_list() -> None:
    ours, theirs = ds.ImmutableList([1, 2]), wz.ImmutableList([1, 2])
    assert repr(ours) == repr(theirs) and hash(ours) == hash(theirs)
    for method, args in [
        ("append", (3,)),
        ("extend", ([3],)),
        ("__setitem__", (0, 9)),
        ("sort", ()),
        ("pop", ()),
        ("__delitem__", (0,)),
        ("insert", (0, 1)),
        ("remove", (1,)),
    ]:
        assert outcome(getattr(ours, method), *args) == ("raised", "TypeError")
    assert ours == [1, 2]


# -- Headers -----------------------------------------------------------------------------

HEADER_INIT = [
    None,
    [("Content-Type", "text/html"), ("X-A", "1"), ("x-a", "2")],
    {"X-A": ["1", "2"], "B": 3},
]

HEADER_READS: list[t.Callable[[t.Any], t.Any]] = [
    lambda h: h["x-a"],
    lambda h: h["missing"],
    lambda h: h[0],
    lambda h: list(h[0:2]),
    lambda h: h.get("X-A"),
    lambda h: h.get("b", type=int),
    lambda h: h.get("X-A", -1, type=int),
    lambda h: h.get("content-type", "d"),
    lambda h: h.getlist("x-A"),
    lambda h: h.getlist("X-A", type=int),
    lambda h: h.get_all("x-a"),
    lambda h: list(h.items()),
    lambda h: list(h.items(lower=True)),
    lambda h: list(h.keys()),
    lambda h: list(h.keys(lower=True)),
    lambda h: list(h.values()),
    lambda h: "X-a" in h,
    lambda h: "nope" in h,
    lambda h: len(h),
    lambda h: list(h),
    lambda h: h.to_wsgi_list(),
    lambda h: str(h),
    lambda h: repr(h),
    lambda h: bool(h),
]


@pytest.mark.parametrize("init", HEADER_INIT)
def test_headers_reads_match(init: t.Any) -> None:
    ours, theirs = ds.Headers(init), wz.Headers(init)
    for read in HEADER_READS:
        assert outcome(read, ours) == outcome(read, theirs)


HEADER_MUTATIONS: list[t.Callable[[t.Any], t.Any]] = [
    lambda h: h.add("X-B", "v"),
    lambda h: h.add("Content-Disposition", "attachment", filename="a b.txt"),
    lambda h: h.add("CT", "text/plain", charset="utf-8", some_param="x y", skip=None),
    lambda h: h.add_header("X-C", 5),
    lambda h: h.set("x-a", "only"),
    lambda h: h.set("New", "n", q="1"),
    lambda h: h.setlist("X-A", ["p", "q"]),
    lambda h: h.setlist("X-A", []),
    lambda h: h.setdefault("X-A", "z"),
    lambda h: h.setdefault("Z", "z"),
    lambda h: h.setlistdefault("Y", ["1", "2"]),
    lambda h: h.__setitem__("x-a", "s"),
    lambda h: h.__setitem__(0, ("K", "v")),
    lambda h: h.__setitem__(slice(0, 1), [("S", "1"), ("T", 2)]),
    lambda h: h.__delitem__("X-A"),
    lambda h: h.__delitem__(0),
    lambda h: h.remove("content-type"),
    lambda h: h.pop("X-A"),
    lambda h: h.pop("missing"),
    lambda h: h.pop("missing", "d"),
    lambda h: h.pop(),
    lambda h: h.pop(0),
    lambda h: h.popitem(),
    lambda h: h.extend({"X-A": ["3", "4"]}, Extra="e"),
    lambda h: h.extend([("L", "1")]),
    lambda h: h.update({"X-A": "u", "M": ["1", "2"]}, N="n"),
    lambda h: h.update([("x-a", "w")]),
    lambda h: h.clear(),
    lambda h: h.add("Bad", "a\nb"),
    lambda h: h.set("Bad", "a\r\nb"),
    lambda h: h | {"O": "o"},
    lambda h: h.__ior__({"P": ["1"]}),
    lambda h: h.copy(),
    lambda h: h.add("Bytes", b"raw"),
]


@pytest.mark.parametrize("index", range(len(HEADER_MUTATIONS)))
def test_headers_mutations_match(index: int) -> None:
    init = [("Content-Type", "text/html"), ("X-A", "1"), ("Set-Cookie", "a=b"), ("x-a", "2")]
    ours, theirs = ds.Headers(init), wz.Headers(init)
    mutate = HEADER_MUTATIONS[index]
    result_ours, result_theirs = outcome(lambda: mutate(ours)), outcome(lambda: mutate(theirs))
    if isinstance(result_ours, ds.Headers):
        assert result_ours.to_wsgi_list() == result_theirs.to_wsgi_list()
    else:
        assert result_ours == result_theirs
    assert ours.to_wsgi_list() == theirs.to_wsgi_list()


def test_headers_update_from_headers_and_multidict() -> None:
    for source in [[("A", "1"), ("A", "2"), ("B", "3")]]:
        ours, theirs = ds.Headers([("A", "0"), ("C", "c")]), wz.Headers([("A", "0"), ("C", "c")])
        ours.update(ds.Headers(source))
        theirs.update(wz.Headers(source))
        assert ours.to_wsgi_list() == theirs.to_wsgi_list()
        ours.update(ds.MultiDict(source))
        theirs.update(wz.MultiDict(source))
        assert ours.to_wsgi_list() == theirs.to_wsgi_list()


def test_headers_equality_and_copy() -> None:
    a = ds.Headers([("A", "1"), ("B", "2")])
    assert a == ds.Headers([("b", "2"), ("a", "1")]) and a != ds.Headers([("A", "1")])
    b = copy.copy(a)
    b.add("C", "3")
    assert "C" not in a
    with pytest.raises(TypeError):
        hash(a)


def test_request_headers_view_matches_environ_headers() -> None:
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(
        "/", headers={"X-Thing": "1", "Accept": "a/b"}, content_type="text/plain", data=b"xx"
    ).get_environ()
    theirs = wz.EnvironHeaders(environ)
    raw = [
        (b"host", b"localhost"),
        (b"x-thing", b"1"),
        (b"accept", b"a/b"),
        (b"content-type", b"text/plain"),
        (b"content-length", b"2"),
    ]
    ours = ds.RequestHeaders(raw)
    assert sorted(ours) == sorted(theirs)
    for key in ["x-thing", "X_THING", "Content-Type", "content_length", "missing"]:
        assert outcome(ours.__getitem__, key) == outcome(theirs.__getitem__, key)
        assert ours.get(key) == theirs.get(key) and (key in ours) == (key in theirs)
    assert ours[0] == ("Host", "localhost") and list(ours[1:3]) == [
        ("X-Thing", "1"),
        ("Accept", "a/b"),
    ]
    assert ours == ds.RequestHeaders(list(reversed(raw)))


# -- uploads ---------------------------------------------------------------------------


def make_storages(data: bytes = b"hello world") -> tuple[ds.FileStorage, t.Any]:
    headers = [
        ("Content-Disposition", 'form-data; name="f"; filename="a.txt"'),
        ("Content-Type", "Text/Plain; charset=utf-8"),
        ("Content-Length", "11"),
    ]
    ours = ds.FileStorage(io.BytesIO(data), "a.txt", "f", headers=ds.Headers(headers))
    theirs = wz.FileStorage(io.BytesIO(data), "a.txt", "f", headers=wz.Headers(headers))
    return ours, theirs


def test_file_storage_attributes_match() -> None:
    ours, theirs = make_storages()
    for attr in [
        "filename",
        "name",
        "content_type",
        "content_length",
        "mimetype",
        "mimetype_params",
    ]:
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert repr(ours) == repr(theirs) and bool(ours) == bool(theirs)
    assert ours.read(5) == theirs.read(5) and ours.tell() == theirs.tell() == 5
    assert list(ours) == list(theirs)
    empty_ours, empty_theirs = ds.FileStorage(), wz.FileStorage()
    assert (bool(empty_ours), empty_ours.filename, empty_ours.content_length, repr(empty_ours)) == (
        bool(empty_theirs),
        empty_theirs.filename,
        empty_theirs.content_length,
        repr(empty_theirs),
    )
    built = ds.FileStorage(io.BytesIO(b""), content_type="image/png", content_length=3)
    wz_built = wz.FileStorage(io.BytesIO(b""), content_type="image/png", content_length=3)
    assert sorted(built.headers) == sorted(wz_built.headers) and built.mimetype == "image/png"
    with open(__file__, "rb") as fh:
        named_ours, named_theirs = ds.FileStorage(fh), wz.FileStorage(fh)
        assert named_ours.filename == named_theirs.filename == __file__
    assert ds.FileStorage(io.BytesIO(), filename=b"x.bin").filename == "x.bin"


def test_file_storage_save_rewinds_and_restores_position(tmp_path: t.Any) -> None:
    ours, _ = make_storages(b"0123456789" * 5000)
    ours.read(7)
    target = tmp_path / "out.bin"
    ours.save(target, buffer_size=1024)
    assert target.read_bytes() == b"0123456789" * 5000
    assert ours.tell() == 7
    sink = io.BytesIO()
    ours.save(sink)
    assert sink.getvalue() == b"0123456789" * 5000 and not sink.closed
    ours.save(str(tmp_path / "str.bin"))
    assert (tmp_path / "str.bin").stat().st_size == 50000
    assert ours.size == 50000 and ours.file is ours.stream
    ours.close()
    assert ours.stream.closed
    ours.close()  # closing twice is harmless
    assert ds.UploadFile is ds.FileStorage


def test_file_storage_non_seekable_stream_saves_from_position() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.data = io.BytesIO(b"stream")

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: t.Any) -> int:
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

        def tell(self) -> int:
            raise OSError("not seekable")

    storage = ds.FileStorage(Pipe(), "p")
    sink = io.BytesIO()
    storage.save(sink)
    assert sink.getvalue() == b"stream" and storage.size is None


def test_form_data_get_upload_and_await() -> None:
    upload = ds.FileStorage(io.BytesIO(b"x"), "x.txt")
    form = ds.FormData([("text", "v"), ("file", upload), ("file", "second")])
    assert form.get_upload("file") is upload and form.get_upload("text") is None
    assert form.get_upload("missing") is None and form.getlist("file")[1] == "second"

    async def resolve() -> t.Any:
        return await form()

    assert asyncio.run(resolve()) is form
    frozen = ds.ImmutableFormData([("a", "1")])
    with pytest.raises(TypeError):
        frozen["a"] = "2"
    assert isinstance(frozen, ds.ImmutableMultiDict) and isinstance(frozen, ds.FormData)


# -- small helpers ---------------------------------------------------------------------


def test_state_address_url() -> None:
    state = ds.State()
    state.a = 1
    state["b"] = 2
    assert (state.a, state["b"], state.get("c", 3), "a" in state, len(state), sorted(state)) == (
        1,
        2,
        3,
        True,
        2,
        ["a", "b"],
    )
    del state.a
    del state["b"]
    with pytest.raises(AttributeError):
        state.a  # noqa: B018
    with pytest.raises(AttributeError):
        del state.zzz
    assert repr(state) == "State({})"
    address = ds.Address("1.2.3.4", 80)
    assert address.host == "1.2.3.4" and tuple(address) == ("1.2.3.4", 80)
    url = ds.URL("https://user:pw@Example.com:8443/p/a?q=1#frag")
    assert url == "https://user:pw@Example.com:8443/p/a?q=1#frag" and isinstance(url, str)
    assert (url.scheme, url.netloc, url.path, url.query, url.fragment) == (
        "https",
        "user:pw@Example.com:8443",
        "/p/a",
        "q=1",
        "frag",
    )
    assert (url.hostname, url.port, url.username, url.password, url.is_secure) == (
        "example.com",
        8443,
        "user",
        "pw",
        True,
    )
    assert url.replace(path="/x", query="") == "https://user:pw@Example.com:8443/x#frag"
    assert url.replace("https", "http") == "http://user:pw@Example.com:8443/p/a?q=1#frag"


def test_authorization_etags_range_user_agent_objects() -> None:
    ours = ds.Authorization("basic", {"username": "u", "password": "p"})
    theirs = wz.Authorization("basic", {"username": "u", "password": "p"})
    assert ours.to_header() == theirs.to_header() and ours == ds.Authorization.from_header(
        ours.to_header()
    )
    assert ours.missing is None and ours["missing"] is None
    tags = ds.ETags(["a"], ["b"], star_tag=True)
    assert tags.to_header() == "*" and "anything" in tags and repr(tags) == "<ETags '*'>"
    with pytest.raises(TypeError):
        ds.ETags()()
    with pytest.raises(ValueError):
        ds.Range("bytes", [(5, 2)])
    assert repr(ds.Range("bytes", [(0, 5)])) == repr(wz.Range("bytes", [(0, 5)]))
    assert repr(ds.IfRange("x")) == repr(wz.IfRange("x"))
    from werkzeug.user_agent import UserAgent as WzUserAgent

    ua, wua = ds.UserAgent("Mozilla/5.0"), WzUserAgent("Mozilla/5.0")
    assert (str(ua), bool(ua), repr(ua), ua.to_header()) == (
        str(wua),
        bool(wua),
        repr(wua),
        wua.to_header(),
    )
