#!/usr/bin/env bash
# tsbert's native SGEMM vs OpenBLAS (through PyTorch), side by side on one machine: for each round and each shape,
# run `tsbert bench gemm` then bench/gemm-openblas.py back to back (alternating, so both see the same load from
# whoever else shares the machine), then print the median GFLOP/s per shape and the ratio as a Markdown table.
#
#   bench/gemm-side-by-side.sh [rounds=5] [threads=2] [seconds-per-run=1.5]
#
# OpenBLAS runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (the environment's Haswell setting halves it on
# AVX-512) and OMP_WAIT_POLICY=PASSIVE; see /work/shared/REFERENCE-NOTES.md. Raw JSON lines go to
# bench/results/gemm-side-by-side.jsonl. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
THREADS=${2:-2}
SECS=${3:-1.5}
SHAPES=(
  "--m 1024 --k 768 --n 768"
  "--m 1024 --k 768 --n 3072"
  "--m 1024 --k 3072 --n 768"
  "--m 1024 --k 768 --n 768 --trans-b"
  "--m 1024 --k 768 --n 3072 --trans-b"
  "--m 1024 --k 3072 --n 768 --trans-b"
  "--m 768 --k 1024 --n 3072 --trans-a"
  "--m 128 --k 64 --n 128 --attention --heads 12"
)
mkdir -p bench/results
RAW=bench/results/gemm-side-by-side.jsonl
: >"$RAW"
for round in $(seq "$ROUNDS"); do
  for shape in "${SHAPES[@]}"; do
    # shellcheck disable=SC2086
    node dist/src/cli/main.js bench gemm $shape --threads "$THREADS" --seconds "$SECS" --json >>"$RAW"
    # shellcheck disable=SC2086
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE \
      /usr/bin/python3 bench/gemm-openblas.py $shape --threads "$THREADS" --seconds "$SECS" >>"$RAW"
  done
  echo "round $round/$ROUNDS done" >&2
done

node --input-type=module - "$RAW" "$ROUNDS" <<'JS'
import { readFileSync } from 'node:fs';
const [raw, rounds] = process.argv.slice(2);
const rows = readFileSync(raw, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
const groups = new Map();
for (const r of rows) {
  const shape = r.bench === 'gemm-attention'
    ? `attention ${r.batch}× [${r.m},${r.k}]·[${r.k},${r.n}] (lda ${r.batch * r.k})`
    : `[${r.m},${r.k}]·[${r.k},${r.n}]${r.transA ? ' transA' : ''}${r.transB ? ' transB' : ''}`;
  const side = r.backend === 'native' || r.backend === 'js' ? 'tsbert' : 'peer';
  if (!groups.has(shape)) groups.set(shape, { tsbert: [], peer: [], isa: '', peerName: '' });
  const g = groups.get(shape);
  g[side].push(r.gflops);
  if (side === 'tsbert') g.isa = `${r.backend} ${r.isa}`; else g.peerName = r.backend;
}
const threads = rows[0]?.threads;
console.log(`Medians of ${rounds} alternating rounds, ${threads} threads, GFLOP/s (C = A·B, float32); "best" is the`);
console.log('fastest round of each (on a shared machine a round can lose a core to a neighbour: rates are bimodal).\n');
console.log('| shape | tsbert | OpenBLAS | ratio | tsbert best | OpenBLAS best | ratio of best |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const [shape, g] of groups) {
  const t = median(g.tsbert), p = median(g.peer);
  const tb = Math.max(...g.tsbert), pb = Math.max(...g.peer);
  console.log(`| ${shape} | ${t.toFixed(1)} | ${p.toFixed(1)} | ${(t / p).toFixed(2)}× | ${tb.toFixed(1)} | ${pb.toFixed(1)} | ${(tb / pb).toFixed(2)}× |`);
}
const first = [...groups.values()][0];
console.log(`\ntsbert: ${first?.isa}; peer: ${first?.peerName} via torch.matmul (PyTorch ${rows.find((r) => r.torch)?.torch}).`);
JS
