"""Added-token flags (lstrip, rstrip, single_word) against Hugging Face `tokenizers` 0.23.2 (the Rust library's
added_vocabulary.rs), on the byte-level BPE of test/fixtures/tokenizer/bpe, whose tokenizer.json declares `<mask>`
lstrip as RobertaTokenizerFast does (AddedToken(mask_token, lstrip=True, rstrip=False); issue 14).

Writes test/fixtures/tokenizer/added-tokens/goldens.json:
  mask, mask_prefix_space   ids, offsets (code points) and word ids of sentences with `<mask>` at the start, after
                            spaces, after punctuation, twice in a row, ... (add_prefix_space false and true)
  flag_tokens, flags        added tokens with rstrip, lstrip + rstrip and single_word (tokenizer.json entries, added
                            to that tokenizer), and the encodings of the flag cases
  decodes                   a filled-in mask decoded (skip_special_tokens, as transformers' fill-mask decodes a
                            single mask)

Run from the repository root:
  python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers==0.23.2
  /tmp/tokvenv/bin/python reference/make_added_token_fixtures.py
"""
import json

import tokenizers
from tokenizers import AddedToken, Tokenizer, pre_tokenizers, processors

BPE_JSON = 'test/fixtures/tokenizer/bpe/tokenizer.json'
OUT = 'test/fixtures/tokenizer/added-tokens'

MASK_CASES = [
    '<mask> is the capital of France.',
    'Paris is the <mask> of France.',
    'Paris is the   <mask> of France.',
    'Paris is the\t<mask>\nof France.',
    'Paris,<mask> and Rome.',
    'Paris, <mask> and Rome.',
    '(<mask>)',
    '"<mask>"',
    'The <mask> <mask> sat.',
    'The <mask><mask> sat.',
    'The <mask>  <mask>',
    '<mask>',
    ' <mask>',
    '  <mask>  ',
    'a\u3000<mask>',
    'a\u00a0<mask>',
    'a\ufeff<mask>',
    'a\u0085<mask>',
    'a\u2028<mask>',
    '<s> <mask></s>',
    'x<mask>y',
    'caf\u00e9 <mask> \U0001F600 <mask>',
]
MASK_PAIRS = [
    ['Paris is the <mask>.', ' <mask> again'],
    ['<mask>', 'the <mask> of it'],
]
FLAG_TOKENS = [
    AddedToken('[R]', rstrip=True, special=False),
    AddedToken('[LR]', lstrip=True, rstrip=True, special=False),
    AddedToken('cat', single_word=True, special=False),
    AddedToken('\u00fcber', single_word=True, special=False),
]
FLAG_CASES = [
    'the cat sat', 'concatenate cats', 'a cat.', 'cat', 'catcat', '_cat', 'cat_', 'cat-cat', '1cat', 'cat2',
    '\u00e9cat', 'cat\u0301', '\u00fcber alles', 'X\u00fcber', '\u00fcber_', '\u00fcber-', 'caf\u00e9 \u00fcber',
    '[R]   x', 'x [R] y', 'x[R]y', '[R][R]', 'x [LR]  y', 'x  [LR][LR]  y', '  [LR]', 'the <mask> [LR] <mask> cat',
    'a [R] <mask>', 'cat <mask> cat',
]
FILLS = [('Paris is the <mask> of France.', '\u0120state'), ('<mask> is the capital.', 'The'),
         ('The <mask> <mask> sat.', '\u0120world')]


def encode_all(tok, inputs):
    out = []
    for text in inputs:
        e = tok.encode(*text) if isinstance(text, list) else tok.encode(text)
        out.append({'input': text, 'ids': e.ids, 'offsets': [o for pair in e.offsets for o in pair], 'words': [
            -1 if w is None else w for w in e.word_ids]})
    return out


def prefixed(tok):
    p = Tokenizer.from_str(tok.to_str())
    p.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True)
    p.post_processor = processors.RobertaProcessing(('</s>', 2), ('<s>', 0), trim_offsets=True, add_prefix_space=True)
    return p


def main():
    roberta = Tokenizer.from_file(BPE_JSON)
    assert [t for t in json.loads(roberta.to_str())['added_tokens'] if t['content'] == '<mask>'][0]['lstrip']
    flags = Tokenizer.from_str(roberta.to_str())
    flags.add_tokens(FLAG_TOKENS)
    base_tokens = len(json.loads(roberta.to_str())['added_tokens'])
    mask_id = roberta.token_to_id('<mask>')
    decodes = []
    for text, fill in FILLS:
        ids = [roberta.token_to_id(fill) if i == mask_id else i for i in roberta.encode(text).ids]
        assert roberta.token_to_id(fill) is not None, fill
        decodes.append({'input': text, 'fill': fill, 'ids': ids, 'text': roberta.decode(ids, skip_special_tokens=True)})
    goldens = {
        'tokenizers_version': tokenizers.__version__,
        'command': '/tmp/tokvenv/bin/python reference/make_added_token_fixtures.py',
        'mask': encode_all(roberta, MASK_CASES + MASK_PAIRS),
        'mask_prefix_space': encode_all(prefixed(roberta), MASK_CASES + MASK_PAIRS),
        'flag_tokens': json.loads(flags.to_str())['added_tokens'][base_tokens:],
        'flags': encode_all(flags, FLAG_CASES),
        'decodes': decodes,
    }
    with open(f'{OUT}/goldens.json', 'w', encoding='utf-8') as f:
        json.dump(goldens, f, ensure_ascii=True, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
