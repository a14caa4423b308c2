#!/usr/bin/env bash
# BERT forward in int8 side by side: tsbert int8 (the CPU's default weight bits: 7 on AVX2), tsbert int8 with 8-bit
# weights, tsbert bf16, tsbert float32, onnxruntime-node q8 (quantize_dynamic's form:
# DynamicQuantizeLinear + MatMulInteger, fused by onnxruntime into DynamicQuantizeMatMul) and onnxruntime-node float32,
# alternately in one run, so machine noise hits them alike.
#
#   bash bench/int8-side-by-side.sh [--rounds R] [--iters N] [--threads T] [--config base] [--batch 8] [--seq 128]
#
# Each round runs every engine once (one process each: median of N timed iterations after one warm-up); the table
# gives each engine's median over the R rounds and tsbert int8's speed-up over each. Weights are random (speed does
# not depend on them); the ONNX model is bench/results/bert-<config>.onnx (exported by model-export-onnx.py when
# missing) and its q8 form bench/results/bert-<config>-q8.onnx (../shared/tools/ort-quantize-dynamic.py).
# Needs: `npm run build`, /usr/bin/python3 with torch, `cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install`.
# Raw JSON lines go to bench/results/int8-side-by-side-<time>.jsonl. Where tsbert's int8 forward spends its time:
# node bench/int8-profile.mjs (per kernel); the GEMM alone in CPU time: native/tools/int8-gemm-cpu-bench.cc.
set -u -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS=5 ITERS=3 THREADS=2 CONFIG=base BATCH=8 SEQ=128
PYTHON="${PYTHON:-/usr/bin/python3}"
QUANTIZE_TOOL="${QUANTIZE_TOOL:-$ROOT/../shared/tools/ort-quantize-dynamic.py}"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --iters) ITERS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --config) CONFIG="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --seq) SEQ="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

mkdir -p bench/results
ONNX="bench/results/bert-$CONFIG.onnx"
ONNX_Q8="bench/results/bert-$CONFIG-q8.onnx"
[ -f "$ONNX" ] || "$PYTHON" bench/model-export-onnx.py --config "$CONFIG" --out "$ONNX" >&2 || { echo "ONNX export failed" >&2; exit 1; }
[ -f "$ONNX_Q8" ] || "$PYTHON" "$QUANTIZE_TOOL" "$ONNX" "$ONNX_Q8" >&2 || { echo "ONNX quantization failed" >&2; exit 1; }
OUT="bench/results/int8-side-by-side-$(date -u +%Y%m%dT%H%M%SZ).jsonl"

run_engine() {  # name, command...
  local name="$1"; shift
  local line
  if line="$("$@" 2>/dev/null | tail -n 1)" && [ -n "$line" ]; then
    echo "{\"engine_run\":\"$name\",\"result\":$line}" >> "$OUT"
  else
    echo "$name: failed" >&2
  fi
}

TSBERT=(node dist/src/cli/main.js bench forward --config "$CONFIG" --batch "$BATCH" --seq "$SEQ" --rounds "$ITERS" --threads "$THREADS" --json)
ORT=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node bench/model-ort.mjs
  --config "$CONFIG" --batch "$BATCH" --seq "$SEQ" --threads "$THREADS" --rounds "$ITERS" --no-check --json)
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  run_engine tsbert-int8 "${TSBERT[@]}" --dtype int8
  run_engine tsbert-int8-w8 "${TSBERT[@]}" --dtype int8 --weight-bits 8
  run_engine tsbert-bf16 "${TSBERT[@]}" --dtype bf16
  run_engine tsbert-fp32 "${TSBERT[@]}" --dtype fp32
  run_engine ort-q8 "${ORT[@]}" --onnx "$ONNX_Q8"
  run_engine ort-fp32 "${ORT[@]}" --onnx "$ONNX"
done

node --input-type=module - "$OUT" <<'JS'
import { readFileSync } from 'node:fs';
const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const engines = ['tsbert-int8', 'tsbert-int8-w8', 'tsbert-bf16', 'tsbert-fp32', 'ort-q8', 'ort-fp32'];
const ms = Object.fromEntries(engines.map((e) => [e, median(rows.filter((r) => r.engine_run === e).map((r) => r.result.ms_per_iter))]));
console.log('| engine | ms / forward (median of rounds) | tsbert int8 speed-up |');
console.log('|---|---:|---:|');
for (const e of engines) console.log(`| ${e} | ${ms[e]?.toFixed(1) ?? 'n/a'} | ${ms[e] && ms['tsbert-int8'] ? (ms[e] / ms['tsbert-int8']).toFixed(2) + '×' : 'n/a'} |`);
console.log(`(raw: ${process.argv[2]})`);
JS
