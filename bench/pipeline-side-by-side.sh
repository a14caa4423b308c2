#!/usr/bin/env bash
# tsbert's pipelines and transformers.js's on real mixed-length text, end to end, alternately, in one run (issue 12:
# "≥ 2× transformers.js's texts/s at the same batch size, end to end including tokenization and model load; and
# ≥ 1.3× tsbert itself with padding to the batch maximum").
#
#   bash bench/pipeline-side-by-side.sh [--rounds 3] [--batch-size 32] [--models mini,base]
#                                       [--tasks text-classification,feature-extraction] [--data spam,brown]
#                                       [--engines transformers.js,tsbert,tsbert-padded] [--limit N]
#                                       [--spam-limit N] [--brown-limit N] [--threads 2]
#                                       [--wait-quiet S]
#
# Each round runs, for every model × task × data set, the engines one after the other, each in a fresh process,
# timed whole (start, model load, reading, tokenization, the model, post-processing, writing JSON lines):
#   transformers.js  node bench/transformersjs-predict.mjs (fp32, cpu, intra-op threads T; batches in input order)
#   tsbert           node dist/src/cli/main.js predict --task TASK --model DIR --input F --output /dev/null
#                    --batch-size B (feature-extraction: --pooling mean)
#   tsbert-padded    the same with --padding max (each batch padded to its longest: the baseline), when predict
#                    has that flag
# Data (bench/pipeline-data.mjs, written when missing): spam = bench/results/spam-2000.jsonl (2,000 SpamAssassin
# messages, truncated at 512 tokens by both), brown = bench/results/brown-20000.jsonl (20,000 Brown sentences);
# --limit N takes the first N lines of each (--spam-limit, --brown-limit: of one). Models (bench/pipeline-models.py, written when missing): random-init
# BERT-base and BERT-mini with bert-base-uncased's vocabulary, the same weights in both layouts.
# The table gives texts/s medians over the rounds and, per round (the engines ran back to back), tsbert ÷
# transformers.js and tsbert ÷ tsbert-padded. On a shared machine, --wait-quiet S waits up to S seconds before each
# run for 2 s in which other processes use under a quarter of a core. Raw JSON lines go to
# bench/results/pipeline-side-by-side-<time>.jsonl.
# Settings: transformers.js with OPENBLAS_* unset and GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (as the peers of
# bench/model-side-by-side.sh); tsbert as the environment is (override with TSBERT_ENV="VAR=value ...").
set -u -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ROUNDS=3 BATCH=32 MODELS=mini,base TASKS=text-classification,feature-extraction DATA=spam,brown
ENGINES=transformers.js,tsbert,tsbert-padded THREADS=2 WAIT_QUIET=0
declare -A LIMIT=([spam]=0 [brown]=0)
PYTHON="${PYTHON:-/usr/bin/python3}"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --batch-size) BATCH="$2"; shift 2 ;;
    --models) MODELS="$2"; shift 2 ;;
    --tasks) TASKS="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    --engines) ENGINES="$2"; shift 2 ;;
    --limit) LIMIT[spam]="$2"; LIMIT[brown]="$2"; shift 2 ;;
    --spam-limit) LIMIT[spam]="$2"; shift 2 ;;
    --brown-limit) LIMIT[brown]="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --wait-quiet) WAIT_QUIET="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
note() { echo "note: $*" >&2; }
has() { case ",$1," in *",$2,"*) return 0 ;; *) return 1 ;; esac; }

mkdir -p bench/results
OUT="bench/results/pipeline-side-by-side-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
: > "$OUT"
PEER_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
read -r -a TSBERT_ENV_ARR <<< "${TSBERT_ENV:-}"

# --- what can run ------------------------------------------------------------------------------------------------
if [ ! -f dist/src/cli/main.js ]; then echo "dist/src/cli/main.js is missing: npm run build" >&2; exit 1; fi
if has "$ENGINES" transformers.js && [ ! -d bench/node_modules/@huggingface/transformers ]; then
  note "transformers.js is not installed (cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm ci): skipped"
  ENGINES="${ENGINES//transformers.js/}"
fi
PREDICT_HELP="$(node dist/src/cli/main.js predict --help 2>&1)"
if has "$ENGINES" tsbert && ! grep -q -- '--pooling' <<< "$PREDICT_HELP"; then
  note "tsbert predict has no pipeline flags (--pooling: the pipelines' predict is not in this build): tsbert skipped"
  ENGINES="${ENGINES//tsbert-padded/}"; ENGINES="${ENGINES//tsbert/}"
fi
if has "$ENGINES" tsbert-padded && ! grep -q -- '--padding' <<< "$PREDICT_HELP"; then
  note "tsbert predict has no --padding: tsbert-padded skipped"
  ENGINES="${ENGINES//tsbert-padded/}"
fi
if [ ! -f bench/results/spam-2000.jsonl ] || [ ! -f bench/results/brown-20000.jsonl ]; then node bench/pipeline-data.mjs >&2 || exit 1; fi
for model in ${MODELS//,/ }; do
  if [ ! -d "bench/results/pipeline-models/$model/transformersjs/feature-extraction" ]; then
    echo "writing the $model folders ..." >&2
    "$PYTHON" bench/pipeline-models.py --config "$model" >&2 || exit 1
  fi
done
declare -A INPUT=([spam]=bench/results/spam-2000.jsonl [brown]=bench/results/brown-20000.jsonl)
for d in spam brown; do
  n="${LIMIT[$d]}"
  if [ "$n" -gt 0 ]; then head -n "$n" "${INPUT[$d]}" > "bench/results/$d-first-$n.jsonl"; INPUT[$d]="bench/results/$d-first-$n.jsonl"; fi
done

# Machine noise per run and --wait-quiet: busy_jiffies, wait_quiet.
source "$ROOT/bench/machine-noise.sh"

# run ENGINE MODEL TASK DATA CMD...: times CMD as a whole and appends one JSON line.
run() {
  local engine="$1" model="$2" task="$3" data="$4"; shift 4
  local rc=0 b0 b1 w0 w1 texts
  texts="$(grep -c . "${INPUT[$data]}")"
  wait_quiet
  b0="$(busy_jiffies)"; w0="$(date +%s.%N)"
  /usr/bin/time -f '%U %S %M' -o "$OUT.time" "$@" > "$OUT.log" 2>&1 || rc=$?
  b1="$(busy_jiffies)"; w1="$(date +%s.%N)"
  if [ "$rc" != 0 ]; then note "$engine $model $task $data failed (exit $rc): $(tail -n 3 "$OUT.log" | tr '\n' ' ')"; return 1; fi
  "$PYTHON" - "$engine" "$model" "$task" "$data" "$BATCH" "$ROUND" "$texts" "$b0" "$b1" "$w0" "$w1" "$OUT.time" >> "$OUT" <<'EOF'
import json, os, sys
engine, model, task, data, batch, rnd, texts, b0, b1, w0, w1, timefile = sys.argv[1:]
wall = float(w1) - float(w0)
user, system, rss_kb = (float(x) for x in open(timefile).read().split()[-3:])
others = max(0.0, (int(b1) - int(b0)) / os.sysconf("SC_CLK_TCK") - user - system) / wall
print(json.dumps({"engine": engine, "model": model, "task": task, "data": data, "batch": int(batch), "round": int(rnd),
                  "texts": int(texts), "wall_s": round(wall, 2), "texts_per_s": round(int(texts) / wall, 2),
                  "cpu_s": round(user + system, 1), "peak_rss_mb": round(rss_kb / 1024), "others_cpu": round(others, 2)}))
EOF
  echo "  round $ROUND $engine $model $task $data: $(tail -n 1 "$OUT" | "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["texts_per_s"], "texts/s,", d["wall_s"], "s; others used", d["others_cpu"], "cores")')" >&2
}

for ROUND in $(seq 1 "$ROUNDS"); do
  echo "round $ROUND/$ROUNDS" >&2
  for model in ${MODELS//,/ }; do
    for task in ${TASKS//,/ }; do
      for data in ${DATA//,/ }; do
        extra=(); [ "$task" = feature-extraction ] && extra=(--pooling mean)
        ts=(node dist/src/cli/main.js predict --task "$task" --model "bench/results/pipeline-models/$model/tsbert/$task"
            --input "${INPUT[$data]}" --output /dev/null --batch-size "$BATCH" "${extra[@]}")
        has "$ENGINES" transformers.js && run transformers.js "$model" "$task" "$data" "${PEER_ENV[@]}" node bench/transformersjs-predict.mjs \
          --task "$task" --model "bench/results/pipeline-models/$model/transformersjs/$task" --input "${INPUT[$data]}" \
          --output /dev/null --batch-size "$BATCH" --threads "$THREADS" "${extra[@]}"
        has "$ENGINES" tsbert && run tsbert "$model" "$task" "$data" env "${TSBERT_ENV_ARR[@]}" TSBERT_THREADS="$THREADS" "${ts[@]}"
        has "$ENGINES" tsbert-padded && run tsbert-padded "$model" "$task" "$data" env "${TSBERT_ENV_ARR[@]}" TSBERT_THREADS="$THREADS" "${ts[@]}" --padding max
      done
    done
  done
done
rm -f "$OUT.log" "$OUT.time"

# --- the table ---------------------------------------------------------------------------------------------------
"$PYTHON" - "$OUT" <<'EOF'
import collections, json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
if not rows:
    sys.exit("no results")
groups = collections.defaultdict(lambda: collections.defaultdict(list))  # (model, task, data) → engine → runs
for r in rows:
    groups[(r["model"], r["task"], r["data"])][r["engine"]].append(r)
def per_round(ours, theirs):
    mine = {r["round"]: r["texts_per_s"] for r in ours}
    ratios = [mine[r["round"]] / r["texts_per_s"] for r in theirs if r["round"] in mine]
    return (f"{statistics.median(ratios):.2f} ({', '.join(f'{x:.2f}' for x in ratios)})") if ratios else "–"
print("| model | task | data | batch | engine | texts/s (median) | min–max | peak RSS MB | tsbert ÷ engine, per round | rounds |")
print("|---|---|---|---:|---|---:|---:|---:|---|---:|")
engine_order = {"tsbert": 0, "tsbert-padded": 1, "transformers.js": 2}
for key in sorted(groups, key=lambda k: (k[0] != "mini", k[1], k[2])):
    model, task, data = key
    for engine in sorted(groups[key], key=lambda e: engine_order.get(e, 9)):
        rs = groups[key][engine]
        tps = [r["texts_per_s"] for r in rs]
        ours = groups[key].get("tsbert")
        ratio = per_round(ours, rs) if ours and engine != "tsbert" else "–"
        print(f"| {model} | {task} | {data} ({rs[0]['texts']:,}) | {rs[0]['batch']} | {engine} | {statistics.median(tps):,.1f} "
              f"| {min(tps):,.1f}–{max(tps):,.1f} | {statistics.median(r['peak_rss_mb'] for r in rs):,.0f} | {ratio} | {len(rs)} |")
others = sorted(r["others_cpu"] for r in rows)
print(f"\ntexts/s = texts ÷ the process's wall time (load included). Other processes' CPU during the runs: median "
      f"{statistics.median(others):.2f}, max {others[-1]:.2f} cores of {__import__('os').cpu_count()}. Raw: {sys.argv[1]}")
EOF
