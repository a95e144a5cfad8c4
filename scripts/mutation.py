"""``make mutation``: mutation testing of the pure modules with mutmut, one module at a time.

mutmut changes one token of a module (``<`` to ``<=``, ``+ 1`` to ``+ 2``, a string to
``"XX…XX"`` …) and runs the tests that executed the changed function (its per-mutant test
selection, from the test files listed in pyproject's ``[tool.mutmut]``); a mutant no test
notices *survived*. Survivors that cannot change behaviour are listed once, with the reason, in
``tests/mutation/equivalent.toml``; the report shows the others, with their diffs, and the score
per module. Exits 1 when a real survivor is left.

Usage (the Makefile target passes module names through ``MODULES=`` and a function through
``ONLY=``):
    .venv/bin/python scripts/mutation.py [frames/trends frames/funnels filters http/paging
        frames/persons] [--only FUNCTION] [--jobs N]

Runs take tens of minutes; ``--jobs`` (default 1, ``MUTATION_JOBS``) mutants run at once.
``--only concat_person_pages`` (or ``_Settle.*``: a glob on the function, ``Class.method`` for a
method) mutates that function alone: minutes, for checking the tests of one change.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "tests" / "mutation" / "equivalent.toml"
MODULES = {
    "frames/trends": "posthog_frames/frames/trends.py",
    "frames/funnels": "posthog_frames/frames/funnels.py",
    "filters": "posthog_frames/filters.py",
    "http/paging": "posthog_frames/http/paging.py",
    "frames/persons": "posthog_frames/frames/persons.py",
}
# mutmut's words for a mutant no test noticed: it survived, or no selected test ran its code.
UNNOTICED = {"survived", "no tests", "suspicious"}
KILLED = {"killed", "timeout"}  # a mutant that makes the tests hang was noticed too
_KEY = re.compile(r"^\s+(\S+): (.+)$")
_SUFFIX = re.compile(r"__mutmut_\d+$")


@dataclass
class Survivor:
    key: str
    status: str
    function: str
    before: list[str]
    after: list[str]
    diff: str


@dataclass
class Score:
    module: str
    total: int = 0
    killed: int = 0
    equivalent: int = 0
    survivors: list[Survivor] = field(default_factory=list)

    def line(self) -> str:
        judged = self.total - self.equivalent
        percent = 100.0 * self.killed / judged if judged else 100.0
        return (
            f"{self.module:<34} {self.total:>5} {self.killed:>6} {self.equivalent:>10} "
            f"{len(self.survivors):>9} {percent:>7.1f}%"
        )


def mutmut(*args: str, log: Path | None = None) -> str:
    command = [str(Path(sys.executable).parent / "mutmut"), *args]
    if log is None:
        return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    with log.open("w") as out:
        code = subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT).returncode
    if code:
        sys.exit(f"mutmut {' '.join(args)} failed ({code}); its output is in {log}")
    return ""


def function_of(key: str, dotted: str) -> str:
    """``posthog_frames.http.paging.xǁ_Settleǁ__call____mutmut_2`` → ``_Settle.__call__``."""
    name = _SUFFIX.sub("", key[len(dotted) + 1 :])
    if name.startswith("xǁ"):
        return ".".join(part for part in name[2:].split("ǁ") if part)
    return name.removeprefix("x_")


def mangled(function: str) -> str:
    """mutmut's name for *function* (a glob): ``f`` → ``x_f``, ``C.m`` → ``xǁCǁm``, ``*`` all."""
    if function == "*":
        return function
    if "." in function:
        return "xǁ" + function.replace(".", "ǁ")
    return "x_" + function


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    lines = [line for line in diff.splitlines() if not line.startswith(("---", "+++"))]
    before = [line[1:].strip() for line in lines if line.startswith("-")]
    after = [line[1:].strip() for line in lines if line.startswith("+")]
    return before, after


def load_equivalents() -> list[dict]:
    return tomllib.loads(EQUIVALENT.read_text()).get("mutant", [])


def is_equivalent(path: str, survivor: Survivor, entry: dict) -> bool:
    def lines(value: str | list[str]) -> list[str]:
        return [value] if isinstance(value, str) else list(value)

    return (
        entry["module"] == path
        and entry["function"] == survivor.function
        and lines(entry["before"]) == survivor.before
        and lines(entry["after"]) == survivor.after
    )


def score(
    name: str, path: str, only: str, jobs: int, equivalents: list[dict], used: set[int]
) -> Score:
    dotted = path.removesuffix(".py").replace("/", ".")
    pattern = f"{dotted}.{mangled(only)}__mutmut_*"
    log = ROOT / "mutants" / f"{name.replace('/', '-')}.log"
    log.parent.mkdir(exist_ok=True)
    print(f"{name}: mutating {path} (log: {log.relative_to(ROOT)})", flush=True)
    mutmut("run", "--max-children", str(jobs), pattern, log=log)
    result = Score(path)
    for line in mutmut("results", "--all", "true").splitlines():
        found = _KEY.match(line)
        if not found or not fnmatch.fnmatchcase(found[1], pattern):
            continue
        key, status = found[1], found[2].strip()
        result.total += 1
        if status in KILLED:
            result.killed += 1
            continue
        if status not in UNNOTICED:
            sys.exit(f"{key}: {status}; run it again (make mutation MODULES={name})")
        diff = mutmut("show", key).split("\n", 1)[1]
        survivor = Survivor(key, status, function_of(key, dotted), *changed_lines(diff), diff)
        match = [i for i, e in enumerate(equivalents) if is_equivalent(path, survivor, e)]
        if match:
            result.equivalent += 1
            used.update(match)
        else:
            result.survivors.append(survivor)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("modules", nargs="*", metavar="module", help=", ".join(MODULES))
    parser.add_argument("--only", default="*", metavar="FUNCTION", help="a glob on the function")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", "1")))
    args = parser.parse_args(argv)
    unknown = [name for name in args.modules if name not in MODULES]
    if unknown:
        parser.error(f"unknown modules {unknown}; choose from {', '.join(MODULES)}")
    args.modules = args.modules or list(MODULES)
    equivalents = load_equivalents()
    used: set[int] = set()
    scores = [
        score(name, MODULES[name], args.only, args.jobs, equivalents, used) for name in args.modules
    ]
    print()
    for result in scores:
        for survivor in result.survivors:
            print(f"{survivor.status}: {survivor.key}\n{survivor.diff}\n")
    stale = [
        e
        for i, e in enumerate(equivalents)
        if i not in used
        and e["module"] in {MODULES[m] for m in args.modules}
        and fnmatch.fnmatchcase(e["function"], args.only)
    ]
    for entry in stale:
        print(
            f"listed as equivalent, but no such mutant survived: {entry['module']} "
            f"{entry['function']}: {entry['before']!r} -> {entry['after']!r}"
        )
    print(
        f"{'module':<34} {'mutants':>5} {'killed':>6} {'equivalent':>10} {'survivors':>9} "
        f"{'score':>8}"
    )
    for result in scores:
        print(result.line())
    print(
        "score = killed / (mutants - equivalent); equivalent mutants: tests/mutation/"
        "equivalent.toml"
    )
    return 1 if any(result.survivors for result in scores) else 0


if __name__ == "__main__":
    sys.exit(main())
