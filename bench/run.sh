#!/usr/bin/env bash
# The build benchmark: generates synthetic corpora (examples/gen_corpus.rs) under bench/data/
# and times `notegraph build` on each, as a whole process, several times.
#
#   bench/run.sh                      # 1/10/100 MB x 1k/10k/100k aliases, 3 runs each
#   SIZES="10 100" ALIASES=10000 RUNS=5 bench/run.sh
#   SKIP="100x100000" bench/run.sh    # leave out combinations (MBxALIASES, space-separated)
#   IMAGE=1 bench/run.sh              # also render the SVG (needs graphviz; off by default)
#   CACHE=1 bench/run.sh              # warm runs: the mentions cache in bench/data/cache, kept
#                                     # (off by default: every run matches everything)
#
# Prints one markdown table: medians of wall time, MB/s, peak RSS and per-stage times (from
# `build --json`), plus the seeds (the bundled notes and dictionaries). Generated data stays
# in bench/data/ (gitignored) and is reused when present; delete it to regenerate.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"1 10 100"}
ALIASES=${ALIASES:-"1000 10000 100000"}
RUNS=${RUNS:-3}
SKIP=${SKIP:-}
IMAGE=${IMAGE:-0}
CACHE=${CACHE:-0}
DATA=bench/data
TOP=$PWD

command -v python3 >/dev/null || { echo "bench/run.sh needs python3 for the table" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/run.sh needs GNU time: apt install time" >&2; exit 2; }

cargo build --release --quiet --bin notegraph --example gen_corpus
BIN=target/release/notegraph
GEN=target/release/examples/gen_corpus
mkdir -p "$DATA"
RESULTS="$DATA/results.jsonl"
: >"$RESULTS"

image_flag=--no-image
[ "$IMAGE" = 1 ] && image_flag=
cache_flag=--no-cache
if [ "$CACHE" = 1 ]; then
    cache_flag=
    export NOTEGRAPH_CACHE_DIR="$TOP/$DATA/cache"
fi

# run_case NAME MB DIR INPUT DICT: RUNS timed builds in DIR (so note paths in the outputs are
# short and relative, as when a user runs notegraph in their notes folder), one JSON line per
# run into $RESULTS.
run_case() {
    local name=$1 mb=$2 dir=$3 input=$4 dict=$5 out="$PWD/$DATA/out-$1"
    for ((r = 1; r <= RUNS; r++)); do
        (cd "$dir" && /usr/bin/time -f '%e %M %U %S' -o "$TOP/$DATA/time.txt" \
            "$TOP/$BIN" build --input "$input" --dict "$dict" --out "$out" $image_flag $cache_flag --json \
            >"$TOP/$DATA/summary.json" 2>"$TOP/$DATA/stderr.txt") || {
            echo "build failed for $name:" >&2
            cat "$DATA/stderr.txt" >&2
            exit 1
        }
        read -r wall rss user sys <"$DATA/time.txt"
        python3 - "$name" "$mb" "$wall" "$rss" "$user" "$sys" "$DATA/summary.json" >>"$RESULTS" <<'EOF'
import json, sys
name, mb, wall, rss, user, sys_, path = sys.argv[1:]
s = json.load(open(path))
print(json.dumps({"case": name, "mb": float(mb), "wall": float(wall), "rss_kb": int(rss),
                  "cpu": float(user) + float(sys_), "summary": s}))
EOF
        printf '%s run %d: %ss, %s MB peak\n' "$name" "$r" "$wall" "$((rss / 1024))" >&2
    done
}

run_case seeds 0.046 . seeds dictionaries

for a in $ALIASES; do
    for mb in $SIZES; do
        case " $SKIP " in *" ${mb}x${a} "*) continue ;; esac
        dir="$DATA/m$mb-a$a"
        if [ ! -d "$dir/notes" ]; then
            "$GEN" --mb "$mb" --aliases "$a" --out "$dir" >&2
        fi
        run_case "m$mb-a$a" "$mb" "$dir" notes dict
    done
done

python3 - "$RESULTS" <<'EOF'
import json, statistics, sys
from collections import OrderedDict

runs = OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault(r["case"], []).append(r)

med = statistics.median
stages = []
for rs in runs.values():
    for st in rs[0]["summary"]["stages"]:
        if st["stage"] not in stages:
            stages.append(st["stage"])

head = ["case", "MB", "aliases", "edges", "wall s", "MB/s", "CPU s", "peak RSS MB",
        "spread"] + stages
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for case, rs in runs.items():
    s = rs[0]["summary"]
    walls = [r["wall"] for r in rs]
    wall = med(walls)
    mb = s["bytes"] / 1e6
    cells = [
        case,
        f"{mb:.1f}" if mb >= 1 else f"{mb:.3f}",
        case.split("-a")[1] if "-a" in case else "seeds",
        str(s["edges"]),
        f"{wall:.2f}",
        f"{mb / wall:.1f}" if wall > 0 else "-",
        f"{med(r['cpu'] for r in rs):.2f}",
        f"{med(r['rss_kb'] for r in rs) / 1024:.0f}",
        f"{min(walls):.2f}-{max(walls):.2f}",
    ]
    for name in stages:
        ms = [next((x["ms"] for x in r["summary"]["stages"] if x["stage"] == name), 0.0)
              for r in rs]
        cells.append(f"{med(ms):.0f}")
    print("| " + " | ".join(cells) + " |")
print(f"\nmedian of {len(next(iter(runs.values())))} runs; stage columns in ms (exports run "
      "concurrently, so they overlap); CPU = user + sys of the whole process; "
      "spread = fastest-slowest wall time")
EOF
