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
# Prints two markdown tables: for `build`, medians of wall time, MB/s, peak RSS and per-stage
# times (from `build --json`); for the explorer, a first query with an empty mentions cache
# and warm `notes` and `entity` queries. Both include the seeds (the bundled notes and
# dictionaries). Generated data stays
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

QUERIES="$DATA/queries.jsonl"
: >"$QUERIES"

# time_query NAME DIR INPUT DICT CACHE LABEL ARGS...: one timed query as a whole process,
# one JSON line into $QUERIES.
time_query() {
    local name=$1 dir=$2 input=$3 dict=$4 cache=$5 label=$6
    shift 6
    (cd "$dir" && NOTEGRAPH_CACHE_DIR="$cache" /usr/bin/time -f '%e %M' -o "$TOP/$DATA/time.txt" \
        "$TOP/$BIN" "$@" --input "$input" --dict "$dict" >"$TOP/$DATA/query.txt" \
        2>"$TOP/$DATA/stderr.txt") || {
        echo "query $* failed for $name:" >&2
        cat "$DATA/stderr.txt" >&2
        exit 1
    }
    read -r wall rss <"$DATA/time.txt"
    printf '{"case": "%s", "query": "%s", "wall": %s, "rss_kb": %s}\n' \
        "$name" "$label" "$wall" "$rss" >>"$QUERIES"
}

# query_case NAME DIR INPUT DICT: the explorer on the same corpus. The first run (`top`) starts
# with an empty mentions cache, so it matches everything; it names the most mentioned entity,
# which the warm runs then ask about: `notes` reads only the mentions, `entity` needs the graph.
query_case() {
    local name=$1 dir=$2 input=$3 dict=$4 cache="$PWD/$DATA/cache-$1"
    rm -rf "$cache"
    time_query "$name" "$dir" "$input" "$dict" "$cache" "cold top" top --by mentions --limit 1 --json
    local id
    id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$DATA/query.txt")
    for ((r = 1; r <= RUNS; r++)); do
        time_query "$name" "$dir" "$input" "$dict" "$cache" "notes" notes "$id" --limit 20
        time_query "$name" "$dir" "$input" "$dict" "$cache" "entity" entity "$id"
    done
    printf '%s queries: warm on %s\n' "$name" "$id" >&2
}

run_case seeds 0.046 . seeds dictionaries
query_case seeds . seeds dictionaries

for a in $ALIASES; do
    for mb in $SIZES; do
        case " $SKIP " in *" ${mb}x${a} "*) continue ;; esac
        dir="$DATA/m$mb-a$a"
        if [ ! -d "$dir/notes" ]; then
            "$GEN" --mb "$mb" --aliases "$a" --out "$dir" >&2
        fi
        run_case "m$mb-a$a" "$mb" "$dir" notes dict
        query_case "m$mb-a$a" "$dir" notes dict
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

python3 - "$QUERIES" <<'EOF'
import json, statistics, sys
from collections import OrderedDict

runs = OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault(r["case"], OrderedDict()).setdefault(r["query"], []).append(r)
kinds = ["cold top", "notes", "entity"]
print("\n| case | " + " | ".join(f"{k} wall s" for k in kinds) + " | peak RSS MB |")
print("|" + "---|" * (len(kinds) + 2))
for case, qs in runs.items():
    cells = [case] + [f"{statistics.median(r['wall'] for r in qs[k]):.2f}" for k in kinds]
    cells.append(f"{max(r['rss_kb'] for rs in qs.values() for r in rs) / 1024:.0f}")
    print("| " + " | ".join(cells) + " |")
print("\nqueries: the first run (`top`) with an empty mentions cache, then medians of warm "
      "`notes ID --limit 20` and `entity ID` on the most mentioned entity")
EOF
