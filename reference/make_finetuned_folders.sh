#!/usr/bin/env bash
# Fine-tunes a tiny randomly initialised BERT with `tsbert finetune` on the fixtures of test/fixtures/finetune/ and
# test/fixtures/squad/, and keeps each run's model folder (config.json, model.safetensors, tokenizer files; not the
# checkpoints or metrics) under test/fixtures/reference/finetuned/<name>/, for reference/make_finetuned_goldens.py.
#
#     npm run build && bash reference/make_finetuned_folders.sh && /usr/bin/python3 reference/make_finetuned_goldens.py
#
# Not deterministic across machines (float32 training on whichever backend loads); the goldens are computed from the
# folders as committed, so only the two scripts run together need to agree.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/test/fixtures/reference/finetuned"
VOCAB="$ROOT/test/fixtures/reference/bert-tiny/vocab.txt" # 99 tokens: most words are one token per letter
DATA="$ROOT/test/fixtures/finetune"
SQUAD="$ROOT/test/fixtures/squad"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tsbert-finetuned-folders.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# hidden 32 (2 heads of 16), 2 layers, intermediate 64: ~100 KB of weights per folder. initializer_range 0.2 rather
# than BERT's 0.02, so attention is far from uniform and the pooled vectors of different inputs differ: with 0.02 a
# mis-loaded weight would move the logits by little more than the tolerance.
tiny_config() { # $1 = hidden_act
  cat >"$WORK/config-$1.json" <<EOF
{"vocab_size": 99, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64,
 "max_position_embeddings": 64, "type_vocab_size": 2, "hidden_act": "$1", "initializer_range": 0.2,
 "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1}
EOF
  echo "$WORK/config-$1.json"
}

# Twelve classes, so that ids 10 and 11 exist: a reader that orders id2label's keys as strings ("10" < "2") misorders
# the labels (tsbert numbers them in code-point order of their names, as run_glue.py's label_list.sort()).
cat >"$WORK/topics-12.jsonl" <<'EOF'
{"text": "the striker scored a late goal", "label": "sports"}
{"text": "the keeper saved the penalty", "label": "sports"}
{"text": "parliament passed the budget", "label": "politics"}
{"text": "the minister resigned today", "label": "politics"}
{"text": "the telescope found a new planet", "label": "science"}
{"text": "cells divide under the microscope", "label": "science"}
{"text": "the band played a new song", "label": "music"}
{"text": "she sang with the choir", "label": "music"}
{"text": "bake the bread for an hour", "label": "cooking"}
{"text": "stir the soup and add salt", "label": "cooking"}
{"text": "rain is expected all week", "label": "weather"}
{"text": "a storm hit the coast", "label": "weather"}
{"text": "shares fell on the market", "label": "business"}
{"text": "the bank raised its rates", "label": "business"}
{"text": "the museum opened a gallery", "label": "art"}
{"text": "he painted the old harbour", "label": "art"}
{"text": "the flight to rome was late", "label": "travel"}
{"text": "we booked a hotel by the sea", "label": "travel"}
{"text": "the doctor advised more sleep", "label": "health"}
{"text": "a new vaccine was approved", "label": "health"}
{"text": "police arrested two suspects", "label": "crime"}
{"text": "the thief stole a bike", "label": "crime"}
{"text": "the film won the top prize", "label": "film"}
{"text": "the director cast a new star", "label": "film"}
EOF

# $1 name, $2 hidden_act, then finetune's own flags. 2 epochs at lr 5e-3, no warmup: the heads move well away from
# their initialisation on a dozen examples.
finetune() {
  local name="$1" act="$2"
  shift 2
  node "$ROOT/dist/src/cli/main.js" finetune --config "$(tiny_config "$act")" --vocab "$VOCAB" --output "$WORK/$name" \
    --epochs 2 --lr 5e-3 --warmup-ratio 0 --batch-size 4 --seed 7 "$@" >/dev/null 2>"$WORK/$name.log" \
    || { cat "$WORK/$name.log" >&2; exit 1; }
  rm -rf "${OUT:?}/$name"
  mkdir -p "$OUT/$name"
  # The model folder only: checkpoints/, metrics.jsonl and the loss curve stay behind.
  for file in config.json model.safetensors vocab.txt tokenizer.json tokenizer_config.json special_tokens_map.json; do
    cp "$WORK/$name/$file" "$OUT/$name/"
  done
  echo "$name: $(du -sk "$OUT/$name" | cut -f1) KB" >&2
}

finetune sequence-classification gelu --task classification --train "$DATA/pairs-tiny.tsv" \
  --dev "$DATA/pairs-tiny-dev.tsv" --max-seq-length 48
finetune sequence-classification-12-labels gelu --task classification --train "$WORK/topics-12.jsonl" \
  --max-seq-length 40
finetune sequence-classification-regression gelu_new --task classification --train "$DATA/regression-tiny.jsonl" \
  --dev "$DATA/regression-tiny-dev.jsonl" --max-seq-length 48
finetune sequence-classification-multi-label relu --task classification --train "$DATA/multilabel-tiny.jsonl" \
  --dev "$DATA/multilabel-tiny-dev.jsonl" --max-seq-length 48
finetune token-classification gelu --task token-classification --train "$DATA/ner-tiny.conll" \
  --dev "$DATA/ner-tiny-dev.conll" --max-seq-length 48
finetune question-answering gelu --task question-answering --train "$SQUAD/v2.json" \
  --max-seq-length 40 --doc-stride 8 --max-query-length 12
finetune multiple-choice gelu --task multiple-choice --train "$DATA/swag-tiny.jsonl" \
  --dev "$DATA/swag-tiny-dev.jsonl" --max-seq-length 40
