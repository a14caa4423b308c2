#!/usr/bin/env bash
# The transformers.js goldens of tsbert's pipelines, from scratch (reference/README.md, "transformers.js"):
#   1. reference/make_transformersjs_models.py writes the tiny random BERT folders (committed) under
#      test/fixtures/reference/transformersjs/models/;
#   2. reference/export_transformersjs.py turns each into transformers.js's layout under bench/results/transformersjs/
#      (not committed: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, export-check.json);
#   3. bench/pipeline-goldens.mjs runs transformers.js on them and writes test/fixtures/reference/transformersjs/*.json.
# Needs Debian's /usr/bin/python3 (torch), `npm run build` (dist/) and `cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm ci`.
#
#   bash reference/make_transformersjs_goldens.sh [--keep-models]     # --keep-models: skip step 1
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-/usr/bin/python3}"
MODELS=test/fixtures/reference/transformersjs/models
EXPORTED=bench/results/transformersjs

if [ "${1:-}" != "--keep-models" ]; then "$PYTHON" reference/make_transformersjs_models.py; fi
for dir in "$MODELS"/*/; do
  name="$(basename "$dir")"
  "$PYTHON" reference/export_transformersjs.py "$dir" "$EXPORTED/$name"
done
node bench/pipeline-goldens.mjs --models "$EXPORTED" --out test/fixtures/reference/transformersjs
