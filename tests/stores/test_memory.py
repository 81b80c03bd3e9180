"""InMemorySessionStore, and the SessionStore interface's default ``replace``."""

from __future__ import annotations

import asyncio
import datetime as dt
import typing as t

import pytest

from veloce.stores.base import SessionStore
from veloce.stores.memory import InMemorySessionStore


class FakeClock:
    """A monotonic clock the test moves by hand (no sleeping, no timed assertions)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(coro: t.Awaitable[t.Any]) -> t.Any:
    async def main() -> t.Any:
        return await coro

    return asyncio.run(main())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> InMemorySessionStore:
    return InMemorySessionStore(clock=clock)


def test_read_unknown_id_returns_none(store: InMemorySessionStore) -> None:
    assert run(store.read("nope")) is None


def test_write_then_read_round_trips_tagged_values(store: InMemorySessionStore) -> None:
    data = {
        "user": 7,
        "pair": (1, "two"),
        "raw": b"\x00\xff",
        "when": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    }
    run(store.write("sid", data, 60))
    assert run(store.read("sid")) == data


def test_read_returns_a_copy_isolated_from_later_edits(store: InMemorySessionStore) -> None:
    data: dict[str, t.Any] = {"cart": [1]}
    run(store.write("sid", data, 60))
    data["cart"].append(2)
    first = run(store.read("sid"))
    first["cart"].append(3)
    assert run(store.read("sid")) == {"cart": [1]}


def test_write_rejects_values_a_network_store_could_not_hold(
    store: InMemorySessionStore,
) -> None:
    with pytest.raises(TypeError):
        run(store.write("sid", {"x": object()}, 60))
    assert run(store.read("sid")) is None


def test_entry_expires_after_max_age(store: InMemorySessionStore, clock: FakeClock) -> None:
    run(store.write("sid", {"a": 1}, 30))
    clock.now += 29.9
    assert run(store.read("sid")) == {"a": 1}
    clock.now += 0.1
    assert run(store.read("sid")) is None
    assert len(store) == 0


def test_expiry_is_per_entry(store: InMemorySessionStore, clock: FakeClock) -> None:
    run(store.write("short", {"a": 1}, 10))
    run(store.write("long", {"b": 2}, 100))
    clock.now += 50
    assert run(store.read("short")) is None
    assert run(store.read("long")) == {"b": 2}


def test_write_overwrites_and_restarts_the_lifetime(
    store: InMemorySessionStore, clock: FakeClock
) -> None:
    run(store.write("sid", {"v": 1}, 10))
    clock.now += 8
    run(store.write("sid", {"v": 2}, 10))
    clock.now += 8
    assert run(store.read("sid")) == {"v": 2}


@pytest.mark.parametrize("max_age", [0, -5, 0.5])
def test_max_age_below_one_second_is_rejected(store: InMemorySessionStore, max_age: t.Any) -> None:
    with pytest.raises(ValueError, match="at least 1 second"):
        run(store.write("sid", {"a": 1}, max_age))


def test_delete_revokes(store: InMemorySessionStore) -> None:
    run(store.write("sid", {"a": 1}, 60))
    run(store.delete("sid"))
    assert run(store.read("sid")) is None


def test_delete_unknown_id_is_not_an_error(store: InMemorySessionStore) -> None:
    run(store.delete("never-stored"))


def test_replace_existing_id_writes_and_restarts_the_lifetime(
    store: InMemorySessionStore, clock: FakeClock
) -> None:
    run(store.write("sid", {"v": 1}, 10))
    clock.now += 8
    assert run(store.replace("sid", {"v": 2}, 10)) is True
    clock.now += 8
    assert run(store.read("sid")) == {"v": 2}


def test_replace_deleted_id_returns_false_and_writes_nothing(
    store: InMemorySessionStore,
) -> None:
    run(store.write("sid", {"v": 1}, 60))
    run(store.delete("sid"))
    assert run(store.replace("sid", {"v": 2}, 60)) is False
    assert run(store.read("sid")) is None
    assert len(store) == 0


def test_replace_unknown_id_returns_false_and_writes_nothing(
    store: InMemorySessionStore,
) -> None:
    assert run(store.replace("ghost", {"v": 2}, 60)) is False
    assert run(store.read("ghost")) is None


def test_replace_expired_id_returns_false_and_writes_nothing(
    store: InMemorySessionStore, clock: FakeClock
) -> None:
    run(store.write("sid", {"v": 1}, 5))
    clock.now += 5
    assert run(store.replace("sid", {"v": 2}, 60)) is False
    assert run(store.read("sid")) is None


def test_purge_expired_drops_only_expired_entries(
    store: InMemorySessionStore, clock: FakeClock
) -> None:
    for i in range(10):
        run(store.write(f"old{i}", {"i": i}, 5))
    run(store.write("fresh", {"i": -1}, 50))
    clock.now += 10
    assert store.purge_expired() == 10
    assert len(store) == 1


def test_writes_sweep_expired_entries_so_memory_stays_bounded(
    store: InMemorySessionStore, clock: FakeClock
) -> None:
    async def churn() -> None:
        # Many short sessions that are never read again (abandoned browsers).
        for i in range(5000):
            await store.write(f"s{i}", {"i": i}, 1)
            clock.now += 1

    run(churn())
    # Without sweeping, all 5000 entries would still be held.
    assert len(store._entries) < 2100


def test_memory_store_is_a_session_store() -> None:
    assert isinstance(InMemorySessionStore(), SessionStore)


# -- the interface's default replace ---------------------------------------------------


class DictStore(SessionStore):
    """The smallest store: only the three abstract methods, inheriting ``replace``."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, t.Any]] = {}
        self.between_read_and_write: t.Callable[[], t.Awaitable[None]] | None = None

    async def read(self, session_id: str) -> dict[str, t.Any] | None:
        value = self.data.get(session_id)
        if value is not None and self.between_read_and_write is not None:
            await self.between_read_and_write()
        return value

    async def write(self, session_id: str, data: dict[str, t.Any], max_age: int) -> None:
        self.data[session_id] = dict(data)

    async def delete(self, session_id: str) -> None:
        self.data.pop(session_id, None)


def test_session_store_requires_the_three_methods() -> None:
    class Incomplete(SessionStore):
        async def read(self, session_id: str) -> dict[str, t.Any] | None:
            return None

    with pytest.raises(TypeError):
        Incomplete()  # type: ignore[abstract]


def test_default_replace_writes_existing_and_refuses_missing() -> None:
    store = DictStore()
    run(store.write("sid", {"v": 1}, 60))
    assert run(store.replace("sid", {"v": 2}, 60)) is True
    assert store.data == {"sid": {"v": 2}}
    assert run(store.replace("ghost", {"v": 3}, 60)) is False
    assert "ghost" not in store.data


def test_default_replace_is_not_atomic_which_is_why_stores_override_it() -> None:
    # A delete landing between the default's read and write is undone: the window
    # InMemorySessionStore (no await inside) and RedisSessionStore (SET XX) close.
    store = DictStore()
    run(store.write("sid", {"v": 1}, 60))

    async def concurrent_logout() -> None:
        await store.delete("sid")

    store.between_read_and_write = concurrent_logout
    assert run(store.replace("sid", {"v": 2}, 60)) is True
    assert "sid" in store.data  # resurrected


def test_memory_replace_cannot_be_interleaved_with_a_delete(
    store: InMemorySessionStore,
) -> None:
    async def race() -> list[bool]:
        results = []
        for i in range(50):
            await store.write(f"s{i}", {"v": 0}, 60)
            replaced, _ = await asyncio.gather(
                store.replace(f"s{i}", {"v": 1}, 60), store.delete(f"s{i}")
            )
            results.append(replaced)
            assert await store.read(f"s{i}") is None
        return results

    run(race())
