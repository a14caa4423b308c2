#!/usr/bin/env bash
# Fine-tunes tiny randomly initialised RoBERTa, DistilBERT and ALBERT models with `tsbert finetune --model-type` on
# the fixtures of test/fixtures/finetune/ and test/fixtures/squad/, and keeps each run's config.json and
# model.safetensors (not the tokenizer files: the goldens run ids, and ALBERT's spiece.model alone is 290 KB) under
# test/fixtures/reference/finetuned-families/<family>-<task>/, for reference/make_family_finetuned_goldens.py.
#
#     npm run build && bash reference/make_family_finetuned_folders.sh && /usr/bin/python3 reference/make_family_finetuned_goldens.py
#
# Not deterministic across machines (float32 training on whichever backend loads); the goldens are computed from the
# folders as committed, so only the two scripts run together need to agree.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/test/fixtures/reference/finetuned-families"
DATA="$ROOT/test/fixtures/finetune"
SQUAD="$ROOT/test/fixtures/squad"
BPE="$ROOT/test/fixtures/tokenizer/bpe"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tsbert-family-folders.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# hidden 16 (2 heads of 8), 2 layers; initializer_range 0.2 as make_finetuned_folders.sh, so a mis-loaded weight moves
# the logits well beyond the tolerance. Vocabularies: the BPE fixture (2000), bert-tiny's vocab.txt (99), the
# ALBERT-style SentencePiece model (3000, embeddings of 8).
cat >"$WORK/roberta.json" <<'JSON'
{"model_type": "roberta", "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 32,
 "max_position_embeddings": 66, "type_vocab_size": 1, "initializer_range": 0.2}
JSON
cat >"$WORK/distilbert.json" <<'JSON'
{"model_type": "distilbert", "dim": 16, "n_layers": 2, "n_heads": 2, "hidden_dim": 32, "max_position_embeddings": 64,
 "initializer_range": 0.2}
JSON
cat >"$WORK/albert.json" <<'JSON'
{"model_type": "albert", "embedding_size": 8, "hidden_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2,
 "intermediate_size": 32, "max_position_embeddings": 64, "initializer_range": 0.2}
JSON
declare -A TOKENIZER=(
  [roberta]="--vocab $BPE/vocab.json --merges $BPE/merges.txt"
  [distilbert]="--vocab $ROOT/test/fixtures/reference/bert-tiny/vocab.txt"
  [albert]="--vocab $ROOT/test/fixtures/reference/unigram/albert-3000.model"
)

# $1 family, $2 folder name, then finetune's own flags. 2 epochs at lr 5e-3, no warmup.
finetune() {
  local family="$1" name="$1-$2"
  shift 2
  # shellcheck disable=SC2086 # the tokenizer flags are words
  node "$ROOT/dist/src/cli/main.js" finetune --model-type "$family" --config "$WORK/$family.json" ${TOKENIZER[$family]} \
    --output "$WORK/$name" --epochs 2 --lr 5e-3 --warmup-ratio 0 --batch-size 4 --seed 7 "$@" >/dev/null 2>"$WORK/$name.log" \
    || { cat "$WORK/$name.log" >&2; exit 1; }
  rm -rf "${OUT:?}/$name"
  mkdir -p "$OUT/$name"
  cp "$WORK/$name/config.json" "$WORK/$name/model.safetensors" "$OUT/$name/"
  echo "$name: $(du -sk "$OUT/$name" | cut -f1) KB" >&2
}

finetune roberta token-classification --task token-classification --train "$DATA/ner-tiny.conll" --max-seq-length 48
finetune roberta sequence-classification-multi-label --task classification --train "$DATA/multilabel-tiny.jsonl" --max-seq-length 48
finetune distilbert question-answering --task question-answering --train "$SQUAD/v2.json" \
  --max-seq-length 40 --doc-stride 8 --max-query-length 12
finetune distilbert sequence-classification-regression --task classification --train "$DATA/regression-tiny.jsonl" --max-seq-length 48
finetune albert multiple-choice --task multiple-choice --train "$DATA/swag-tiny.jsonl" --max-seq-length 40
finetune albert sequence-classification --task classification --train "$DATA/pairs-tiny.tsv" --max-seq-length 48
