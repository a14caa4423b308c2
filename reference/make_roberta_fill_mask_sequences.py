"""Hugging Face Python's fill-mask `sequence` for the tiny RoBERTa folder, from the token ids transformers.js chose
(issue 14: RoBERTa's `<mask>` lstrip). transformers' FillMaskPipeline.postprocess replaces the mask by each
candidate and decodes with skip_special_tokens (a single mask) through the folder's tokenizer; this does the same
with transformers' RobertaTokenizer (tokenizers 0.23.2 underneath, no PyTorch needed).

The folder holds vocab.json + merges.txt and a plain-string mask_token. transformers 4.x's RobertaTokenizer(Fast)
turns that into AddedToken(mask_token, lstrip=True); transformers 5's rewrite does not (a tokenizer.json such as
roberta-base's still declares it), so the mask token is passed here as 4.x builds it. transformers 5 also skips
clean_up_tokenization_spaces for BPE tokenizers (a warning says so) where 4.x and transformers.js apply it; the
sequences are written both ways ('sequences': as transformers 5 decodes, 'cleaned': forced clean-up).

Writes test/fixtures/reference/transformersjs/roberta/python-sequences.json: for each fill-mask golden, its text and
the sequences of its candidates in order.

  python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers==0.23.2 transformers
  /tmp/tokvenv/bin/python reference/make_roberta_fill_mask_sequences.py
"""
import json

import tokenizers
import transformers
from tokenizers import AddedToken
from transformers import AutoTokenizer

DIR = 'test/fixtures/reference/transformersjs/roberta'


def main():
    mask = AddedToken('<mask>', lstrip=True, rstrip=False, normalized=False, special=True)
    tok = AutoTokenizer.from_pretrained(f'{DIR}/fill-mask', mask_token=mask)
    goldens = json.load(open(f'{DIR}/goldens.json', encoding='utf-8'))['goldens']['fill-mask']
    out = []
    for case in goldens:
        ids = tok(case['text'])['input_ids']
        # The mask's position (one <mask> per text); the goldens' token ids replace it.
        at = ids.index(tok.mask_token_id)
        filled = [[c['token'] if i == at else t for i, t in enumerate(ids)] for c in case['output']]
        out.append({'text': case['text'], 'ids': ids, 'sequences': [tok.decode(f, skip_special_tokens=True) for f in filled],
                    'cleaned': [tok.decode(f, skip_special_tokens=True, clean_up_tokenization_spaces=True,
                                           clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output=True)
                                for f in filled]})
    def same(key):
        return sum(s == c['sequence'] for case, o in zip(goldens, out) for s, c in zip(o[key], case['output']))
    counts = {'equal to transformers.js': same('sequences'), 'cleaned equal to transformers.js': same('cleaned')}
    for o in out:
        del o['cleaned']
    doc = {'transformers': transformers.__version__, 'tokenizers': tokenizers.__version__,
           'tokenizer_class': type(tok).__name__, 'cases': out}
    with open(f'{DIR}/python-sequences.json', 'w', encoding='utf-8') as f:
        json.dump(doc, f, ensure_ascii=True, separators=(',', ':'))
        f.write('\n')
    print({'cases': len(out), 'of': sum(len(c['output']) for c in goldens), **counts})


if __name__ == '__main__':
    main()
