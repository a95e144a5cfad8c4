"""Fault scenarios and bad inputs against the demo server: what each one ends in.

Every scenario must end in the complete, correct frame or in a typed error (a ``PostHogError``);
a frame with rows missing or repeated, an untyped exception, or a hang fails the run (exit 1).
The tables show the faults injected, the requests the server answered, and rows expected vs
received. Retry sleeps and PostHog's throttle window run on a manual clock, so a storm of 429s
with minute-long announced waits takes well under a second. Takes about half a minute.

Example:
    $ python benchmarks/faults.py
"""

from __future__ import annotations

import copy
import json
import math
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

import posthog_frames as phf
from posthog_frames.demo import serve
from posthog_frames.demo.faults import ManualClock
from posthog_frames.frames import insight_frame
from posthog_frames.http.pacing import Pacer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the mutation helpers of the tests
from tests.reliability.helpers import DELETE, set_path, value_paths  # noqa: E402

PERSONS = 400
PAGE = 25
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "posthog-fixtures" / "insights"


@dataclass
class Scenario:
    name: str
    faults: dict[str, Any] = field(default_factory=dict)
    client: dict[str, Any] = field(default_factory=dict)
    pace: int | None = None  # client-side requests/minute on the manual clock
    add_mid_pull: int = 0  # persons created after the first page
    expect_error: bool = False


SCENARIOS = [
    Scenario("clean"),
    Scenario("5xx bursts, 30%", {"error_rate": 0.3}),
    Scenario("5xx on every request", {"error_rate": 1.0}, expect_error=True),
    Scenario("proxy 502 HTML page, 20%", {"html_rate": 0.2}),
    Scenario("connection reset mid-body, 20%", {"reset_rate": 0.2}),
    Scenario("connection reset, every body", {"reset_rate": 1.0}, expect_error=True),
    Scenario("200 body cut short, 20%", {"truncate_rate": 0.2}),
    Scenario("200 body cut short, every body", {"truncate_rate": 1.0}, expect_error=True),
    Scenario("JSON of the wrong shape", {"wrong_shape_rate": 1.0}, expect_error=True),
    Scenario("body stalls 0.2 s (timeout 2 s)", {"slow_body": 0.2}, {"timeout": 2}),
    Scenario(
        "body stalls 0.5 s (timeout 0.2 s)", {"slow_body": 0.5}, {"timeout": 0.2}, expect_error=True
    ),
    Scenario(
        "answer takes 0.5 s (timeout 0.2 s)", {"latency": 0.5}, {"timeout": 0.2}, expect_error=True
    ),
    Scenario("short pages, 50%", {"short_pages": 0.5}),
    Scenario("5 persons created mid-pull", add_mid_pull=5),
    Scenario("429s: paced at 8/min, server 12/min", {"rate_limit": 12}, pace=8),
    Scenario("429s: unpaced, server 12/min", {"rate_limit": 12}, pace=10_000),
    Scenario(
        "429s: announced wait > max_wait",
        {"rate_limit": 12},
        {"max_wait": 10},
        pace=10_000,
        expect_error=True,
    ),
    Scenario(
        "everything at once, 10% each",
        {
            "error_rate": 0.1,
            "html_rate": 0.1,
            "reset_rate": 0.1,
            "truncate_rate": 0.1,
            "short_pages": 0.3,
        },
    ),
]


def run_scenario(scenario: Scenario, expected: pd.DataFrame) -> dict[str, Any]:
    clock = ManualClock()
    with serve(persons=PERSONS, seed=1, **scenario.faults) as demo:
        client = demo.client(cache="memory", page_size=PAGE, **scenario.client)
        client._transport.sleep_with = clock.sleep
        if scenario.pace is not None:
            demo.app.faults.clock = clock
            client._transport.pacer = Pacer(
                per_minute=scenario.pace, clock=clock, sleep=clock.sleep
            )
        started = time.perf_counter()
        outcome, rows = "complete", None
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                pages = []
                for number, page in enumerate(client.iter_persons()):
                    pages.append(page)
                    if number == 0:
                        for i in range(scenario.add_mid_pull):
                            demo.add_person(email=f"late{i}@example.com")
            frame = pd.concat(pages, ignore_index=True)
            rows = len(frame)
            ok = frame["id"].is_unique and set(expected["id"]) <= set(frame["id"])
            outcome = "complete" if ok else "PARTIAL (bug)"
            if caught:
                outcome += f" (warned: {str(caught[0].message)[:50]}…)"
        except phf.PostHogError as err:
            outcome = f"{type(err).__name__}: {str(err)[:70]}…"
        except Exception as err:  # an untyped error is a failure of this library
            outcome = f"UNTYPED {type(err).__name__}: {err}"
        return {
            "scenario": scenario.name,
            "faults injected": sum(demo.faults_injected.values()),
            "requests": demo.request_count,
            "rows expected": len(expected),
            "rows received": "—" if rows is None else rows,
            "outcome": outcome,
            "seconds": round(time.perf_counter() - started, 2),
            "ok": _acceptable(scenario, outcome),
        }


def _acceptable(scenario: Scenario, outcome: str) -> bool:
    if outcome.startswith(("PARTIAL", "UNTYPED")):
        return False
    complete = outcome.startswith("complete")
    return not complete if scenario.expect_error else complete


def bad_inputs(demo) -> list[tuple[str, Callable[[], Any]]]:
    def client(**kw: Any) -> phf.Client:
        return phf.Client(
            **{"api_key": demo.api_key, "host": demo.url, "project_id": 1, "cache": "memory", **kw}
        )

    ok = client()
    return [
        ("host 'not a url'", lambda: client(host="not a url")),
        ("host with nothing listening", lambda: client(host="http://127.0.0.1:9").me()),
        ("project_id 'abc'", lambda: client(project_id="abc")),
        ("project_id 987654 (unknown)", lambda: client(project_id=987654).persons()),
        ("insight 999999 (unknown)", lambda: ok.insight(999999)),
        ("insight short id 'Zz9Zz9Zz' (unknown)", lambda: ok.insight("Zz9Zz9Zz")),
        ("insight key 'abc' (malformed)", lambda: ok.insight("abc")),
        ("person 'jane@x.com' (a distinct_id)", lambda: ok.person("jane@x.com")),
        ("filter operator 'equals'", lambda: phf.PropertyFilter("plan", "pro", operator="equals")),
        ("filter type 'people'", lambda: phf.PropertyFilter("plan", "pro", type="people")),
        ("between with 3 values", lambda: phf.PropertyFilter("n", [1, 2, 3], operator="between")),
        ("gt with a string", lambda: phf.PropertyFilter("n", "ten", operator="gt")),
        ("is_set with a value", lambda: phf.PropertyFilter("e", "x", operator="is_set")),
        ("regex '('", lambda: phf.PropertyFilter("e", "(", operator="regex")),
        ("filter JSON '[{not json'", lambda: ok.persons(properties="[{not json")),
        (
            "OR group of two",
            lambda: ok.persons(
                properties={
                    "type": "OR",
                    "values": [{"key": "a", "value": 1}, {"key": "b", "value": 2}],
                }
            ),
        ),
        ("HogQL 'selec 1'", lambda: ok.query("selec count() from events")),
        ("HogQL unknown table", lambda: ok.query("select count() from nope")),
        ("project token phc_…", lambda: client(api_key="phc_" + "t" * 40)),
        ("unknown personal key", lambda: client(api_key="phx_" + "w" * 40).me()),
        ("key without insight:read", lambda: client(api_key=demo.limited_api_key).insights()),
        ("timeout=0", lambda: client(timeout=0)),
        ("requests_per_minute=0", lambda: client(requests_per_minute=0)),
    ]


def answer(call: Callable[[], Any]) -> tuple[str, bool]:
    try:
        call()
    except phf.PostHogError as err:
        return f"{type(err).__name__}: {str(err)[:80]}…", True
    except Exception as err:
        return f"UNTYPED {type(err).__name__}: {err}", False
    return "accepted (no error!)", False


def mutation_sweep() -> Counter:
    """Every recorded insight with one value inside ``result`` replaced or deleted."""
    outcomes: Counter = Counter()
    replacements = [DELETE, None, "x", -1, 1.5, [], {}, [None], True, math.pi]
    for path in sorted(FIXTURES.glob("*.json")):
        base = json.loads(path.read_text())
        key = "result" if "result" in base else "results"
        for where in value_paths(base.get(key), (key,)):
            for replacement in replacements:
                insight = copy.deepcopy(base)
                try:
                    set_path(insight, where, replacement)
                except (KeyError, IndexError, TypeError):
                    continue
                try:
                    insight_frame(insight)
                    outcomes["converted"] += 1
                except phf.PostHogError as err:
                    outcomes[type(err).__name__] += 1
                except ValueError as err:
                    outcomes[
                        "ValueError (kind unknown)"
                        if "kind" in str(err)
                        else f"UNTYPED ValueError ({path.name})"
                    ] += 1
                except Exception as err:
                    outcomes[f"UNTYPED {type(err).__name__} ({path.name})"] += 1
    return outcomes


def markdown(rows: list[dict[str, Any]], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    with serve(persons=PERSONS, seed=1) as demo:
        expected = demo.client(cache=False, page_size=PAGE).persons()
        inputs = [(name, *answer(call)) for name, call in bad_inputs(demo)]
    results = [run_scenario(s, expected) for s in SCENARIOS]
    columns = [
        "scenario",
        "faults injected",
        "requests",
        "rows expected",
        "rows received",
        "outcome",
        "seconds",
    ]
    print(f"## Fault scenarios ({len(results)}; {PERSONS} persons in pages of {PAGE})\n")
    print(markdown(results, columns))
    print(f"\n## Bad inputs ({len(inputs)})\n")
    print(
        markdown(
            [{"input": n, "answered with": a} for n, a, _ in inputs], ["input", "answered with"]
        )
    )
    sweep = mutation_sweep() if FIXTURES.exists() else Counter()
    if sweep:
        total = sum(sweep.values())
        print(f"\n## Recorded insights with one value broken ({total} variants)\n")
        print(
            markdown(
                [{"outcome": k, "count": v} for k, v in sweep.most_common()], ["outcome", "count"]
            )
        )
    failed = [r["scenario"] for r in results if not r["ok"]]
    failed += [n for n, _, typed in inputs if not typed]
    failed += [k for k in sweep if k.startswith("UNTYPED")]
    verdict = f"FAILED: {failed}" if failed else "Every one ended complete or in a typed error."
    faults = sum(r["faults injected"] for r in results)
    sent = sum(r["requests"] for r in results)
    print(
        f"\n{len(results)} scenarios, {faults} faults injected, {sent} requests; "
        f"{len(inputs)} bad inputs. {verdict}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
