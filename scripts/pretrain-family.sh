#!/usr/bin/env bash
# The issue's 10-minute pre-training runs of RoBERTa (--objective mlm) and ALBERT (--objective albert) on the default
# corpus (Brown + nlp-corpus, as `npm start` for BERT), one command each:
#
#   scripts/pretrain-family.sh roberta      # byte-level BPE trained here (tsbert train-tokenizer --model bpe)
#   scripts/pretrain-family.sh albert       # SentencePiece Unigram trained by Debian's spm_train
#
# Environment: MINUTES (10), VOCAB_SIZE (30000), OUTPUT (tsbert-<family>-run; the data, tokenizer and instances go to
# <OUTPUT>-data and are reused). Extra arguments go to `tsbert pretrain` (e.g. --resume, --overwrite).
# Settings are the default job's (BERT-mini sizes, batch 16, lr 1e-3, 128 tokens), so the held-out MLM loss printed
# at the end sits beside BERT's from `npm start` (tsbert-run/metrics.jsonl, the last "eval_mlm_loss").
set -euo pipefail
family=${1:-}
case "$family" in
  roberta) objective=mlm ;;
  albert) objective=albert ;;
  *) echo "usage: $0 roberta|albert [tsbert pretrain flags...]" >&2; exit 2 ;;
esac
shift
root=$(cd "$(dirname "$0")/.." && pwd)
tsbert() { node "$root/dist/src/cli/main.js" "$@"; }
minutes=${MINUTES:-10}
vocab=${VOCAB_SIZE:-30000}
out=${OUTPUT:-tsbert-$family-run}
data="$out-data"
mkdir -p "$data"

# The default corpus files (built into ~/.cache/tsbert on first use): one sentence per line, blank line between documents.
corpus=$(node --input-type=module -e "
  const { ensureDefaultCorpus } = await import('$root/dist/src/data/default-corpus.js');
  const c = ensureDefaultCorpus();
  console.log(c.train + '\n' + c.eval);")
train_text=$(sed -n 1p <<<"$corpus")
eval_text=$(sed -n 2p <<<"$corpus")

if [ "$family" = roberta ]; then
  tokenizer="$data/tokenizer/tokenizer.json"
  [ -f "$tokenizer" ] || tsbert train-tokenizer --model bpe --input "$train_text" --output "$data/tokenizer" --vocab-size "$vocab"
  dupe=1 # masks are drawn each time an instance is read (RoBERTa §4.1): one pass of packing suffices
else
  tokenizer="$data/spiece.model"
  if [ ! -f "$tokenizer" ]; then
    # ALBERT's tokenizer lower-cases (do_lower_case); its README's spm_train settings: pad 0, unk 1, no bos/eos,
    # [CLS] [SEP] [MASK] as control symbols, a Unigram model.
    node -e "process.stdout.write(require('fs').readFileSync(process.argv[1], 'utf8').toLowerCase())" "$train_text" > "$data/corpus.lower.txt"
    spm_train --input="$data/corpus.lower.txt" --model_prefix="$data/spiece" --vocab_size="$vocab" --model_type=unigram \
      --pad_id=0 --unk_id=1 --bos_id=-1 --eos_id=-1 --control_symbols='[CLS],[SEP],[MASK]' \
      --user_defined_symbols='(,),",-,.,–,£,€' --character_coverage=0.99995 --shuffle_input_sentence=true --minloglevel=1
  fi
  dupe=2 # as the default job: static n-gram masks, two passes
fi

[ -f "$data/train.tsbpt" ] || tsbert create-pretraining-data --input "$train_text" --objective "$objective" --tokenizer "$tokenizer" \
  --output "$data/train.tsbpt" --max-seq-length 128 --dupe-factor "$dupe" --no-progress
[ -f "$data/eval.tsbpt" ] || tsbert create-pretraining-data --input "$eval_text" --objective "$objective" --tokenizer "$tokenizer" \
  --output "$data/eval.tsbpt" --max-seq-length 128 --dupe-factor 1 --no-progress

tsbert pretrain --objective "$objective" --model-type "$family" --tokenizer "$tokenizer" --data "$data/train.tsbpt" \
  --eval-data "$data/eval.tsbpt" --config mini --output "$out" --steps auto --minutes "$minutes" \
  --batch-size 16 --lr 1e-3 --eval-every 100 --save-every 100 "$@"
echo "held-out: $(grep '"eval_mlm_loss"' "$out/metrics.jsonl" | tail -1)"
