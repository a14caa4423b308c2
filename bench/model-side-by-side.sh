#!/usr/bin/env bash
# tsbert and its peers (PyTorch, onnxruntime-node) on the same BERT work, alternately, in one run.
#
#   bash bench/model-side-by-side.sh [--rounds R] [--iters N] [--threads T] [--only forward|train-step|finetune]
#                                    [--fwd-config base] [--fwd-batch 8] [--fwd-seq 128]
#                                    [--train-config small] [--train-batch 32] [--train-seq 128]
#                                    [--ft-task classification] [--ft-config base] [--ft-batch 32] [--ft-seq 128]
#                                    [--wait-quiet S]
#
# Each round runs every engine once per task, one after the other (tsbert, PyTorch, onnxruntime-node), so that
# machine noise hits them alike; each run reports the median of N timed iterations after one warm-up, and the table
# gives the median over R rounds, and the median over the quiet runs alone (other processes used < 0.25 cores while
# it ran), then tsbert ÷ peer round by round. On a shared machine, --wait-quiet S waits up to S seconds before each run for a 2-second window in which
# other processes use under 0.25 cores (then runs anyway). Tasks:
#   forward     BertModel inference (last_hidden_state + pooler_output), eval, no autograd, full-length random ids
#   train-step  BertForPreTraining step: MLM logits at the ~15% masked positions + NSP, backward, clip 1.0, AdamW,
#               dropout 0.1 (onnxruntime-node has no training here: PyTorch only)
#   finetune    (only with --only finetune) a fine-tuning step of a task head (`tsbert bench finetune --task T`,
#               model-torch.py --task finetune-T: classification, token-classification, question-answering,
#               multiple-choice): forward, loss, backward, clip 1.0, AdamW lr 3e-5 eps 1e-8, dropout 0.1; PyTorch only
# Settings (set per command, never exported to the others; see bench/MODEL-RESULTS.md):
#   tsbert       the environment as it is (override with TSBERT_ENV="VAR=value ...")
#   PyTorch      OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE unset; OMP_WAIT_POLICY=PASSIVE; GLIBC_TUNABLES=glibc.malloc.hugetlb=1
#   onnxruntime  OPENBLAS_* unset; GLIBC_TUNABLES=glibc.malloc.hugetlb=1; intra-op threads T, graph optimization all
# Needs: `npm run build` (dist/), Debian's /usr/bin/python3 with torch, and `cd bench &&
# ONNXRUNTIME_NODE_INSTALL=skip npm install`. A missing engine is reported and skipped. Raw JSON lines go to
# bench/results/side-by-side-<time>.jsonl.
set -u -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ROUNDS=3 ITERS=3 THREADS=2 ONLY="" WAIT_QUIET=0
FWD_CONFIG=base FWD_BATCH=8 FWD_SEQ=128
TRAIN_CONFIG=small TRAIN_BATCH=32 TRAIN_SEQ=128
FT_TASK=classification FT_CONFIG=base FT_BATCH=32 FT_SEQ=128
PYTHON="${PYTHON:-/usr/bin/python3}"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --iters) ITERS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --wait-quiet) WAIT_QUIET="$2"; shift 2 ;;
    --fwd-config) FWD_CONFIG="$2"; shift 2 ;;
    --fwd-batch) FWD_BATCH="$2"; shift 2 ;;
    --fwd-seq) FWD_SEQ="$2"; shift 2 ;;
    --train-config) TRAIN_CONFIG="$2"; shift 2 ;;
    --train-batch) TRAIN_BATCH="$2"; shift 2 ;;
    --train-seq) TRAIN_SEQ="$2"; shift 2 ;;
    --ft-task) FT_TASK="$2"; shift 2 ;;
    --ft-config) FT_CONFIG="$2"; shift 2 ;;
    --ft-batch) FT_BATCH="$2"; shift 2 ;;
    --ft-seq) FT_SEQ="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$ONLY" in
  ""|forward|train-step|finetune) ;;
  *) echo "--only must be forward, train-step or finetune, got '$ONLY'" >&2; exit 2 ;;
esac
# Without --only: forward and train-step (finetune runs only when asked for).
wants() { if [ -z "$ONLY" ]; then [ "$1" != finetune ]; else [ "$ONLY" = "$1" ]; fi; }

mkdir -p bench/results
OUT="bench/results/side-by-side-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
: > "$OUT"
note() { echo "note: $*" >&2; }

PEER_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
TORCH_ENV=("${PEER_ENV[@]}" OMP_WAIT_POLICY=PASSIVE)
read -r -a TSBERT_ENV_ARR <<< "${TSBERT_ENV:-}"

# --- what can run ------------------------------------------------------------------------------------------------
HAVE_TSBERT=1 HAVE_TORCH=1 HAVE_ORT=1
if [ ! -f dist/src/cli/main.js ]; then HAVE_TSBERT=0; note "dist/src/cli/main.js is missing (npm run build): tsbert skipped"; fi
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then HAVE_TORCH=0; note "$PYTHON has no torch: PyTorch skipped"; fi
if [ ! -d bench/node_modules/onnxruntime-node ]; then
  HAVE_ORT=0; note "onnxruntime-node is not installed (cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install): ORT skipped"
fi
ONNX="bench/results/bert-$FWD_CONFIG.onnx"
if ! wants forward; then HAVE_ORT=0; fi
if [ "$HAVE_ORT" = 1 ] && [ ! -f "$ONNX" ]; then
  if [ "$HAVE_TORCH" = 1 ]; then
    echo "exporting $ONNX ..." >&2
    "$PYTHON" bench/model-export-onnx.py --config "$FWD_CONFIG" --out "$ONNX" 2>/dev/null >&2 || { HAVE_ORT=0; note "ONNX export failed: ORT skipped"; }
  else
    HAVE_ORT=0; note "no $ONNX and no torch to export it: ORT skipped"
  fi
fi

# Machine noise per run and --wait-quiet: busy_jiffies, psi_some_us, wait_quiet.
source "$ROOT/bench/machine-noise.sh"

# run ENGINE TASK CMD...: runs CMD, keeps the last JSON line holding tokens_per_s, tags it with the round and noise.
run() {
  local engine="$1" task="$2"; shift 2
  local out line rc=0 b0 b1 p0 p1 w0 w1
  wait_quiet
  b0="$(busy_jiffies)"; p0="$(psi_some_us)"; w0="$(date +%s.%N)"
  out="$(/usr/bin/time -f '%U %S' -o "$OUT.time" "$@" 2>"$OUT.err")" || rc=$?
  b1="$(busy_jiffies)"; p1="$(psi_some_us)"; w1="$(date +%s.%N)"
  if [ "$rc" != 0 ]; then
    note "$engine $task failed (exit $rc): $(tail -n 3 "$OUT.err" | tr '\n' ' ')"
    return 1
  fi
  line="$(printf '%s\n' "$out" | grep '"tokens_per_s"' | tail -n 1)"
  if [ -z "$line" ]; then note "$engine $task printed no JSON with tokens_per_s"; return 1; fi
  printf '%s\n' "$line" | "$PYTHON" -c '
import json, os, sys
d = json.loads(sys.stdin.read())
engine, task, rnd, b0, b1, p0, p1, w0, w1, timefile = sys.argv[1:]
wall = float(w1) - float(w0)
user, system = (float(x) for x in open(timefile).read().split()[-2:])
hz = os.sysconf("SC_CLK_TCK")
d.update(engine=engine, task=task, round=int(rnd),
         others_cpu=round(max(0.0, (int(b1) - int(b0)) / hz - user - system) / wall, 2),
         cpu_pressure=round((int(p1) - int(p0)) / 1e6 / wall, 2), wall_s=round(wall, 1))
print(json.dumps(d))' "$engine" "$task" "$ROUND" "$b0" "$b1" "$p0" "$p1" "$w0" "$w1" "$OUT.time" >> "$OUT"
  echo "  round $ROUND $engine $task: $(tail -n 1 "$OUT" | "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["tokens_per_s"], "tokens/s; others used", d["others_cpu"], "cores; pressure", d["cpu_pressure"])')" >&2
}

TSBERT_FAILED_FWD=0 TSBERT_FAILED_TRAIN=0 TSBERT_FAILED_FT=0
for ROUND in $(seq 1 "$ROUNDS"); do
  echo "round $ROUND/$ROUNDS" >&2
  if wants forward; then
    F=(--config "$FWD_CONFIG" --batch "$FWD_BATCH" --seq "$FWD_SEQ" --rounds "$ITERS" --json)
    if [ "$HAVE_TSBERT" = 1 ] && [ "$TSBERT_FAILED_FWD" = 0 ]; then
      run tsbert forward env "${TSBERT_ENV_ARR[@]}" node dist/src/cli/main.js bench forward "${F[@]}" --threads "$THREADS" \
        || { TSBERT_FAILED_FWD=1; note "tsbert bench forward failed: continuing with the peers"; }
    fi
    [ "$HAVE_TORCH" = 1 ] && run pytorch forward "${TORCH_ENV[@]}" "$PYTHON" bench/model-torch.py --task forward "${F[@]}" --threads "$THREADS"
    [ "$HAVE_ORT" = 1 ] && run onnxruntime-node forward "${PEER_ENV[@]}" node bench/model-ort.mjs --onnx "$ONNX" "${F[@]}" --threads "$THREADS"
  fi
  if wants train-step; then
    T=(--config "$TRAIN_CONFIG" --batch "$TRAIN_BATCH" --seq "$TRAIN_SEQ" --rounds "$ITERS" --json)
    if [ "$HAVE_TSBERT" = 1 ] && [ "$TSBERT_FAILED_TRAIN" = 0 ]; then
      run tsbert train-step env "${TSBERT_ENV_ARR[@]}" node dist/src/cli/main.js bench train-step "${T[@]}" --threads "$THREADS" \
        || { TSBERT_FAILED_TRAIN=1; note "tsbert bench train-step failed: continuing with the peers"; }
    fi
    [ "$HAVE_TORCH" = 1 ] && run pytorch train-step "${TORCH_ENV[@]}" "$PYTHON" bench/model-torch.py --task train-step "${T[@]}" --threads "$THREADS"
  fi
  if wants finetune; then
    T=(--config "$FT_CONFIG" --batch "$FT_BATCH" --seq "$FT_SEQ" --rounds "$ITERS" --json)
    if [ "$HAVE_TSBERT" = 1 ] && [ "$TSBERT_FAILED_FT" = 0 ]; then
      run tsbert "finetune-$FT_TASK" env "${TSBERT_ENV_ARR[@]}" node dist/src/cli/main.js bench finetune --task "$FT_TASK" "${T[@]}" --threads "$THREADS" \
        || { TSBERT_FAILED_FT=1; note "tsbert bench finetune failed: continuing with the peers"; }
    fi
    [ "$HAVE_TORCH" = 1 ] && run pytorch "finetune-$FT_TASK" "${TORCH_ENV[@]}" "$PYTHON" bench/model-torch.py --task "finetune-$FT_TASK" "${T[@]}" --threads "$THREADS"
  fi
done
rm -f "$OUT.err" "$OUT.time"

# --- the table ---------------------------------------------------------------------------------------------------
"$PYTHON" - "$OUT" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
if not rows:
    print("no results"); sys.exit(1)
groups = {}
for r in rows:
    groups.setdefault((r["task"], r["engine"]), []).append(r)
order = {"tsbert": 0, "pytorch": 1, "onnxruntime-node": 2}
task_order = {"forward": 0, "train-step": 1}
QUIET = 0.25  # a run during which other processes used under a quarter of a core
def quiet(rs):
    q = [r["tokens_per_s"] for r in rs if r.get("others_cpu", 0) < QUIET]
    return statistics.median(q) if q else None
print("| engine | task | config | batch×seq | tokens/s (median) | min–max | ratio to tsbert | quiet-run median (n) | peak RSS MB | rounds |")
print("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
for (task, engine) in sorted(groups, key=lambda k: (task_order.get(k[0], 2), k[0], order.get(k[1], 9))):
    rs = groups[(task, engine)]
    tps = [r["tokens_per_s"] for r in rs]
    med = statistics.median(tps)
    base = groups.get((task, "tsbert"))
    ratio = f"{med / statistics.median(r['tokens_per_s'] for r in base):.2f}" if base else "n/a (no tsbert)"
    rss = statistics.median(r["peak_rss_mb"] for r in rs)
    r0 = rs[0]
    q = quiet(rs)
    nq = sum(r.get("others_cpu", 0) < QUIET for r in rs)
    qs = f"{q:,.0f} ({nq})" if q is not None else "– (0)"
    print(f"| {engine} | {task} | {r0['config']} | {r0['batch']}×{r0['seq']} | {med:,.0f} | {min(tps):,}–{max(tps):,} "
          f"| {ratio} | {qs} | {rss:,.0f} | {len(rs)} |")
# tsbert ÷ peer within each round (the pair ran back to back, so machine noise hits both alike).
for (task, engine) in sorted(groups, key=lambda k: (task_order.get(k[0], 2), k[0], order.get(k[1], 9))):
    if engine == "tsbert" or (task, "tsbert") not in groups:
        continue
    ours = {r["round"]: r["tokens_per_s"] for r in groups[(task, "tsbert")]}
    pairs = [(r["round"], ours[r["round"]] / r["tokens_per_s"]) for r in groups[(task, engine)] if r["round"] in ours]
    if pairs:
        print(f"\n{task}: tsbert ÷ {engine} per round: " + ", ".join(f"{x:.2f}" for _, x in sorted(pairs))
              + f" (median {statistics.median(x for _, x in pairs):.2f})", end="")
print()
others = sorted(r["others_cpu"] for r in rows)
print(f"\nratio = engine tokens/s ÷ tsbert tokens/s (> 1: faster than tsbert). Quiet run: other processes used "
      f"< {QUIET} cores meanwhile. Other processes' CPU during the runs: median {statistics.median(others):.2f}, "
      f"max {others[-1]:.2f} cores of {__import__('os').cpu_count()}. Raw: {sys.argv[1]}")
EOF
