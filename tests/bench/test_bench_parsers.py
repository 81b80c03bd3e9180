"""The parsers and pure helpers of the benchmark: wrk output, callgrind parts, RSS, goals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.callgrind import parse_parts, per_request
from bench.goals import evaluate
from bench.loopback import LoopbackResults, WrkResult, parse_wrk, wrk_script
from bench.memory import MemoryResult, parse_vmrss, rss_kib
from bench.report import Stats
from bench.targets import ROUTES

WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:38795/nothere
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.18ms    5.02ms  44.63ms   96.62%
    Req/Sec    23.07k     7.60k   28.02k    80.00%
  Latency Distribution
     50%  139.00us
     75%  175.00us
     90%    0.98ms
     99%   33.26ms
  22903 requests in 1.00s, 3.25MB read
  Non-2xx or 3xx responses: 22903
Requests/sec:  22837.52
Transfer/sec:      3.25MB
"""


def test_parse_wrk_reads_rate_p99_count_and_errors() -> None:
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests_per_second == pytest.approx(22837.52)
    assert result.p99_ms == pytest.approx(33.26)
    assert result.requests == 22903
    assert "22903 non-2xx" in result.problems


def test_parse_wrk_converts_microseconds_and_socket_errors() -> None:
    text = WRK_OUTPUT.replace("33.26ms", "812.00us").replace(
        "  Non-2xx or 3xx responses: 22903\n",
        "  Socket errors: connect 0, read 3, write 0, timeout 0\n",
    )
    result = parse_wrk(text)
    assert result.p99_ms == pytest.approx(0.812)
    assert result.problems == "socket errors: connect 0, read 3, write 0, timeout 0"


def test_parse_wrk_rejects_output_without_latency_distribution() -> None:
    with pytest.raises(ValueError, match="cannot parse wrk output"):
        parse_wrk("Requests/sec:  100.00\n")


def test_wrk_script_sends_each_request_in_turn() -> None:
    form = ROUTES["form"].request
    script = wrk_script([ROUTES["plaintext"].request, form])
    assert 'wrk.format("GET", "/", {}, nil)' in script
    assert '"POST", "/form", {["Content-Type"] = ' in script
    assert "i = i % #requests + 1" in script
    # Lua decimal escapes keep any byte intact; the form body needs none.
    assert '"' + form.body.decode() + '"' in script


CALLGRIND_PART = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 12618
cmd:  python -m bench.callgrind --child starlette
part: {part}

desc: I1 cache:
events: Ir
summary: {ir}
totals: {ir}
"""


def _parts(values: list[int]) -> list[str]:
    return [CALLGRIND_PART.format(part=i + 1, ir=ir) for i, ir in enumerate(values)]


def test_callgrind_instructions_per_request_subtract_the_fixed_cost() -> None:
    # start-up, then per route: warm-up, N, 2N; then shutdown.  N = 10.
    texts = _parts([10**8, 5_000, 10_700, 20_700, 7_000, 30_500, 60_500, 900])
    parts = parse_parts(texts)
    assert per_request(parts, ["plaintext", "json"], 10) == {"plaintext": 1000.0, "json": 3000.0}


def test_callgrind_rejects_an_unexpected_part_count() -> None:
    parts = parse_parts(_parts([1, 2, 3, 4, 5, 6]))
    with pytest.raises(ValueError, match="expected callgrind parts 1..5"):
        per_request(parts, ["plaintext"], 10)


def test_callgrind_rejects_a_file_without_totals() -> None:
    with pytest.raises(ValueError, match="not a callgrind output"):
        parse_parts(["events: Ir\n"])


def test_parse_vmrss_reads_kib() -> None:
    status = "Name:\tpython\nVmPeak:\t  9000 kB\nVmRSS:\t   36512 kB\nThreads:\t1\n"
    assert parse_vmrss(status) == 36512
    with pytest.raises(ValueError):
        parse_vmrss("Name:\tkthreadd\n")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_rss_of_this_process_matches_its_status_file() -> None:
    own = parse_vmrss(Path(f"/proc/{os.getpid()}/status").read_text())
    assert abs(rss_kib(os.getpid()) - own) < own // 2


def _stats(**medians: float) -> dict[str, Stats]:
    return {name: Stats(value, value * 0.9, 3) for name, value in medians.items()}


def test_goals_report_measured_ratios_and_not_measured_parts() -> None:
    inprocess = {"ctx": _stats(starlette=20.0, flask=100.0, quart=300.0,
                               **{"veloce-async": 10.0, "veloce-sync": 60.0})}
    loopback = LoopbackResults(
        ["builtin", "uvicorn", "bare"],
        ["ctx"],
        {
            ("builtin", "ctx"): [WrkResult(9000.0, 1.0, "")],
            ("uvicorn", "ctx"): [WrkResult(8000.0, 1.0, "")],
            ("bare", "ctx"): [WrkResult(12000.0, 1.0, "")],
        },
    )
    memory = [MemoryResult("uvicorn", 1000, 1100, 200_000, "")]
    checks = {(c.goal, c.where): c for c in evaluate(["ctx"], inprocess, loopback, memory, None)}
    by_goal = {goal: check for (goal, _), check in checks.items()}

    starlette = by_goal["in-process, async views: Veloce time ÷ Starlette time"]
    assert (starlette.ratio, starlette.met) == (0.5, True)
    quart = by_goal["in-process, async views: Quart time ÷ Veloce time"]
    assert (quart.ratio, quart.met) == (30.0, True)
    drop_in = by_goal["in-process, the Flask code unchanged: Flask time ÷ Veloce (sync views) time"]
    assert drop_in.met is False and drop_in.cell().startswith("1.67× **missed**")
    floor = by_goal["loopback: requests/s, Veloce on uvicorn ÷ the bare app on uvicorn"]
    assert floor.met is False and floor.ratio == pytest.approx(2 / 3)
    builtin = by_goal["loopback: requests/s, Veloce's built-in server ÷ Veloce on uvicorn"]
    assert builtin.met is True
    assert by_goal["memory: RSS growth over the load, Veloce on uvicorn"].met is False
    not_run = by_goal["memory: RSS growth over the load, Veloce on its built-in server"]
    assert not_run.met is None and not_run.cell() == "not measured"
    instructions = by_goal["(supplementary) instructions per request: Veloce async ÷ Starlette"]
    assert instructions.cell() == "not measured"
