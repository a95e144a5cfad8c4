"""The demo's stored person bodies: the same JSON as orjson's, at their own size in memory."""

from __future__ import annotations

import subprocess
import sys

import orjson

from posthog_frames.demo.data.project import DemoData, compact_json, listed_person

_GROWTH = """
import sys
from posthog_frames.demo.data.project import compact_json
import orjson
dump = compact_json if sys.argv[1] == "compact" else orjson.dumps
body = {f"key{i}": f"value {i}" * 3 for i in range(40)}  # about 1.3 KiB of JSON

def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

before = rss()
kept = [dump(body) for _ in range(20_000)]
print((rss() - before) / 1024)
"""


def _growth_mib(kind: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _GROWTH, kind], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip())


def test_compact_json_is_orjson_text():
    person = DemoData.generate(3, seed=2).persons[0]
    assert compact_json(listed_person(person)) == orjson.dumps(listed_person(person))


def test_bodies_kept_for_the_server_lifetime_cost_their_length():
    # 20,000 bodies of 1.3 KiB are 26 MiB of text; orjson's own bytes keep about 8 KiB each.
    compact, plain = _growth_mib("compact"), _growth_mib("orjson")
    assert compact < 60, f"{compact:.0f} MiB for 26 MiB of JSON"
    assert plain > 2 * compact, "orjson no longer over-allocates: compact_json may go"
