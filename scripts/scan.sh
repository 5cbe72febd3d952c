#!/usr/bin/env bash
# make scan: the wapiti3 web scanner against a local production server (scripts/stack.py:
# gunicorn, debug off, a private PostgreSQL with the demo), for a bounded time.
# Report: var/scan/report.json, a summary in var/scan/summary.txt, the server's logs beside.
set -euo pipefail
cd "$(dirname "$0")/.."

SCAN_SECONDS=${SCAN_SECONDS:-300}   # the whole scan, crawl and attacks
ATTACK_SECONDS=${ATTACK_SECONDS:-60} # each attack module
OUT=var/scan
# Attacks that need nothing from outside this machine (no TLS here, no SSRF callback host,
# no fingerprint database to download).
MODULES=exec,file,sql,xss,permanentxss,redirect,crlf,upload,csrf,methods,http_headers,cookieflags,csp

rm -rf "$OUT" && mkdir -p "$OUT"
.venv/bin/python scripts/stack.py --keep "$OUT" -- bash -c '
  .venv-scan/bin/wapiti -u "$STACK_URL/" --scope folder -m "'"$MODULES"'" \
    --max-scan-time "'"$SCAN_SECONDS"'" --max-attack-time "'"$ATTACK_SECONDS"'" \
    -d 5 --max-links-per-page 60 --max-files-per-dir 40 --tasks 4 -t 10 \
    --flush-session --store-session "'"$OUT"'/session" --no-bugreport -v 1 \
    -f json -o "'"$OUT"'/report.json" > "'"$OUT"'/wapiti.log" 2>&1
' | tee "$OUT/stack.txt"

.venv/bin/python - "$OUT" <<'PY'
import json, re, sys
from pathlib import Path

out = Path(sys.argv[1])
report = json.loads((out / "report.json").read_text())
info = report.get("infos", {})
lines = [
    f"wapiti {info.get('version', '?')} against {info.get('target', '?')}, "
    f"{info.get('date', '?')}, scope {info.get('scope', '?')}, "
    f"{info.get('crawled_pages_nbr', '?')} pages crawled",
]
for section in ("vulnerabilities", "anomalies", "additionals"):
    found = {name: items for name, items in report.get(section, {}).items() if items}
    lines.append(f"{section}: {sum(len(v) for v in found.values())}")
    for name, items in sorted(found.items()):
        lines.append(f"  {name}: {len(items)}")
        for item in items[:5]:
            lines.append(f"    {item.get('method', '')} {item.get('path', '')} {item.get('info', '')[:150]}")
stack = (out / "stack.txt").read_text()
statuses = re.findall(r"responses by status: (.*)", stack)
lines.append(f"server responses by status: {statuses[-1] if statuses else '?'}")
summary = "\n".join(lines)
(out / "summary.txt").write_text(summary + "\n")
print(summary)
PY
