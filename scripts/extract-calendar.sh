#!/usr/bin/env bash
#
# Regenerates data/calendar/cn-holidays.csv, the working-day calendar that
# src/base/calendar.c loads, from the npm package chinese-days (MIT).  The
# package lists official holidays ("holidays") and weekend days made into
# working days ("workdays"); its "inLieuDays" are already days inside the
# holidays and are ignored.  Only 2020-01-01..2026-12-31 is kept.
#
# Usage:
#   cd /tmp && npm pack chinese-days@1.5.7 && tar xzf chinese-days-1.5.7.tgz
#   scripts/extract-calendar.sh /tmp/package
#
# See data/calendar/SOURCE.md.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 <unpacked chinese-days package directory>" >&2
    exit 2
fi
json="$1/dist/chinese-days.json"
if [ ! -f "$json" ]; then
    echo "$0: $json not found" >&2
    exit 1
fi
out="$(cd "$(dirname "$0")/.." && pwd)/data/calendar/cn-holidays.csv"

node -e '
const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const rows = [];
for (const [kind, map] of [["holiday", j.holidays], ["workday", j.workdays]])
    for (const [day, v] of Object.entries(map))
        if (day >= "2020-01-01" && day <= "2026-12-31")
            rows.push([day, kind, v.split(",")[1]]);
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
for (let i = 1; i < rows.length; i++)
    if (rows[i][0] === rows[i - 1][0])
        throw new Error("day listed twice: " + rows[i][0]);
process.stdout.write("day,kind,name\n" + rows.map((r) => r.join(",")).join("\n") + "\n");
' "$json" >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(($(wc -l <"$out") - 1)) days)"
