"""Speed of the text algorithms on hostile input: the figures the tests only bound.

Runs the hostile-input tests (tests/sources/text/: test_hostile, test_locate, test_normalize)
on one process, collects how long each timed block took and prints it beside its goal (seconds
on an idle laptop). The tests themselves fail only on a blow-up (tests/sources/text/timing.py);
this is where a slower-than-goal figure shows. Usage: make bench-text
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ["test_hostile.py", "test_locate.py", "test_normalize.py"]


def main() -> int:
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
        record = f.name
    env = {**os.environ, "RT_TIMINGS": record}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"]
    args += [f"tests/sources/text/{name}" for name in FILES]
    run = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    rows = [json.loads(line) for line in Path(record).read_text().splitlines() if line]
    os.unlink(record)
    over = 0
    print(f"{'workload':<78} {'goal s':>7} {'took s':>7}")
    for row in rows:
        flag = "" if row["seconds"] <= row["goal"] else "  OVER"
        over += bool(flag)
        name = row["test"].replace("tests/sources/text/", "")
        print(f"{name[:78]:<78} {row['goal']:>7.1f} {row['seconds']:>7.2f}{flag}")
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    print(f"{len(rows)} timed blocks, {over} over their goal; tests: {summary}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
