/**
 * Pickle-aware edits (opcodes as Lib/pickletools.py lists them): the stream is split into instructions, then one is
 * replaced by another opcode (keeping its argument bytes, so the rest misparses), deleted, duplicated, swapped with
 * another, or a well-formed instruction is inserted; integer arguments (sizes, strides, offsets, numels) get edge
 * values; length prefixes of strings and bytes are corrupted; strings (storage keys and classes, globals) are
 * replaced; a tensor's view (the storage offset, size and stride given to _rebuild_tensor_v2) is edited as a whole:
 * broadcast (stride 0 with a huge size, a few bytes that describe gigabytes), offsets and sizes past the storage.
 * The result is always a byte string; whether it still unpickles is the reader's problem.
 */
import type { Rng } from '../../../src/tensor/rng.js';
import { concat } from './bytes.js';
import { interestingUint, writeUintLE } from './integers.js';
import { between, chance, pick, weighted } from '../random.js';

type Argument =
  | { kind: 'none' }
  | { kind: 'fixed'; bytes: number }
  | { kind: 'counted'; width: number }
  | { kind: 'lines'; count: number };

const NONE: Argument = { kind: 'none' };
const fixed = (bytes: number): Argument => ({ kind: 'fixed', bytes });
const counted = (width: number): Argument => ({ kind: 'counted', width });
const lines = (count: number): Argument => ({ kind: 'lines', count });

/** Every opcode of protocols 0-5 and the shape of its argument. */
const OPCODES = new Map<number, Argument>([
  [0x80, fixed(1)], [0x95, fixed(8)], [0x2e, NONE], [0x28, NONE], [0x4e, NONE], [0x88, NONE], [0x89, NONE],
  [0x4a, fixed(4)], [0x4b, fixed(1)], [0x4d, fixed(2)], [0x8a, counted(1)], [0x8b, counted(4)], [0x47, fixed(8)],
  [0x58, counted(4)], [0x8c, counted(1)], [0x8d, counted(8)], [0x54, counted(4)], [0x55, counted(1)],
  [0x42, counted(4)], [0x43, counted(1)], [0x8e, counted(8)], [0x96, counted(8)],
  [0x29, NONE], [0x74, NONE], [0x85, NONE], [0x86, NONE], [0x87, NONE], [0x5d, NONE], [0x6c, NONE], [0x61, NONE],
  [0x65, NONE], [0x7d, NONE], [0x64, NONE], [0x73, NONE], [0x75, NONE], [0x8f, NONE], [0x90, NONE], [0x91, NONE],
  [0x71, fixed(1)], [0x72, fixed(4)], [0x94, NONE], [0x68, fixed(1)], [0x6a, fixed(4)],
  [0x63, lines(2)], [0x93, NONE], [0x52, NONE], [0x62, NONE], [0x51, NONE], [0x50, lines(1)],
  [0x69, lines(2)], [0x6f, NONE], [0x81, NONE], [0x92, NONE], [0x82, fixed(1)], [0x83, fixed(2)], [0x84, fixed(4)],
  [0x32, NONE], [0x30, NONE], [0x31, NONE], [0x49, lines(1)], [0x4c, lines(1)], [0x46, lines(1)], [0x53, lines(1)],
  [0x56, lines(1)], [0x70, lines(1)], [0x67, lines(1)], [0x97, NONE], [0x98, NONE],
]);
const ALL_OPCODES = [...OPCODES.keys()];
const INTEGER_OPS = new Set([0x4a, 0x4b, 0x4d, 0x8a]);
const STRING_OPS = new Set([0x58, 0x8c, 0x8d, 0x54, 0x55]);

/** Strings a state-dict pickle is made of, and some it must refuse. */
const WORDS = [
  'storage', 'cpu', 'cuda:0', '0', '1', '2', '99', '', 'torch', 'FloatStorage', 'HalfStorage', 'DoubleStorage', 'BFloat16Storage',
  'LongStorage', 'ByteStorage', 'BoolStorage', 'UntypedStorage', 'collections', 'OrderedDict', 'torch._utils', '_rebuild_tensor_v2',
  '_rebuild_parameter', 'os', 'system', 'builtins', 'eval', 'w', 'bert.embeddings.word_embeddings.weight', 'a\nb', '\u0000',
];

export interface Instruction {
  at: number;
  op: number;
  /** Bytes of opcode plus argument. */
  length: number;
}

/**
 * Splits one pickle starting at `start` into instructions, up to and including its STOP. Stops early (returning what
 * it has) at an unknown opcode or a truncated argument.
 */
export function scanPickle(bytes: Uint8Array, start = 0): Instruction[] {
  const out: Instruction[] = [];
  let at = start;
  while (at < bytes.length) {
    const op = bytes[at] as number;
    const argument = OPCODES.get(op);
    if (argument === undefined) break;
    let end = at + 1;
    if (argument.kind === 'fixed') end += argument.bytes;
    else if (argument.kind === 'counted') {
      const count = Number(readLength(bytes, end, argument.width));
      end += argument.width + count;
    } else if (argument.kind === 'lines') {
      for (let n = 0; n < argument.count; n++) {
        const newline = bytes.indexOf(0x0a, end);
        if (newline < 0) return out;
        end = newline + 1;
      }
    }
    if (end > bytes.length) break;
    out.push({ at, op, length: end - at });
    at = end;
    if (op === 0x2e) break;
  }
  return out;
}

function readLength(bytes: Uint8Array, at: number, width: number): bigint {
  let value = 0n;
  for (let i = width - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i] ?? 0);
  return value;
}

/** An integer as the smallest pickle instruction that holds it (BININT1/BININT2/BININT, else LONG1). */
export function encodeInteger(value: bigint): Uint8Array {
  if (value >= 0n && value < 256n) return Uint8Array.of(0x4b, Number(value));
  if (value >= 0n && value < 65536n) return Uint8Array.of(0x4d, Number(value & 0xffn), Number(value >> 8n));
  if (value >= -(2n ** 31n) && value < 2n ** 31n) {
    const out = new Uint8Array(5);
    out[0] = 0x4a;
    writeUintLE(out, 1, 4, BigInt.asUintN(32, value));
    return out;
  }
  const bytes: number[] = [];
  let rest = value;
  // Two's complement, little-endian, with a sign byte when the top bit would lie.
  do {
    bytes.push(Number(BigInt.asUintN(8, rest)));
    rest >>= 8n;
  } while (!((rest === 0n && ((bytes.at(-1) as number) & 0x80) === 0) || (rest === -1n && ((bytes.at(-1) as number) & 0x80) !== 0)));
  return Uint8Array.of(0x8a, bytes.length, ...bytes);
}

export function encodeString(text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  if (utf8.length < 256) return Uint8Array.of(0x8c, utf8.length, ...utf8);
  const out = new Uint8Array(5 + utf8.length);
  out[0] = 0x58;
  writeUintLE(out, 1, 4, BigInt(utf8.length));
  out.set(utf8, 5);
  return out;
}

function interestingInteger(rng: Rng, old: bigint | undefined): bigint {
  const near = old === undefined ? [] : [Number(old)];
  if (chance(rng, 0.15)) return -BigInt(pick(rng, [1, 2, 128, 2 ** 31, 2 ** 53]));
  return interestingUint(rng, 8, near) & (2n ** 64n - 1n);
}

function integerValue(bytes: Uint8Array, ins: Instruction): bigint | undefined {
  const arg = ins.at + 1;
  if (ins.op === 0x4b) return BigInt(bytes[arg] as number);
  if (ins.op === 0x4d) return readLength(bytes, arg, 2);
  if (ins.op === 0x4a) return BigInt.asIntN(32, readLength(bytes, arg, 4));
  return undefined;
}

/** Well-formed instructions to insert: stack and memo operations, containers, calls, a premature STOP. */
function randomInstruction(rng: Rng): Uint8Array {
  return pick<() => Uint8Array>(rng, [
    () => Uint8Array.of(pick(rng, [0x28, 0x4e, 0x88, 0x29, 0x74, 0x85, 0x86, 0x87, 0x5d, 0x6c, 0x61, 0x65, 0x7d, 0x64, 0x73, 0x75, 0x94, 0x93, 0x52, 0x62, 0x51, 0x2e, 0x30, 0x32])),
    () => Uint8Array.of(pick(rng, [0x68, 0x71]), rng.int(8)),
    () => encodeInteger(interestingInteger(rng, undefined)),
    () => encodeString(pick(rng, WORDS)),
    () => new TextEncoder().encode(`c${pick(rng, ['torch', 'collections', 'torch._utils', 'os', '__builtin__'])}\n${pick(rng, WORDS)}\n`),
  ])();
}

/**
 * The integer instructions of each tensor's view: after a storage's BINPERSID, up to the REDUCE that rebuilds the
 * tensor, torch writes the storage offset, then the size and the stride tuples (1 + 2·rank integers).
 */
function tensorViews(code: readonly Instruction[]): Instruction[][] {
  const views: Instruction[][] = [];
  code.forEach((ins, i) => {
    if (ins.op !== 0x51) return;
    const ints: Instruction[] = [];
    for (let j = i + 1; j < code.length && (code[j] as Instruction).op !== 0x52; j++) {
      if (INTEGER_OPS.has((code[j] as Instruction).op)) ints.push(code[j] as Instruction);
    }
    if (ints.length >= 3 && ints.length % 2 === 1) views.push(ints);
  });
  return views;
}

function editView(bytes: Uint8Array, view: readonly Instruction[], rng: Rng): { bytes: Uint8Array; description: string } {
  const rank = (view.length - 1) / 2;
  const d = rng.int(rank);
  const [offset, size, stride] = [view[0] as Instruction, view[1 + d] as Instruction, view[1 + rank + d] as Instruction];
  const huge = (): bigint => BigInt(pick(rng, [2 ** 20, 2 ** 26, 2 ** 28, 2 ** 29, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 40]));
  const edit = pick(rng, ['broadcast', 'stride-0', 'size', 'stride', 'offset'] as const);
  const changes: [Instruction, bigint][] =
    edit === 'broadcast' ? [[size, huge()], [stride, 0n]]
    : edit === 'stride-0' ? [[stride, 0n]]
    : edit === 'size' ? [[size, huge()]]
    : edit === 'stride' ? [[stride, huge()]]
    : [[offset, huge()]];
  // Replace from the end so earlier offsets stay valid.
  changes.sort((a, b) => b[0].at - a[0].at);
  let out = bytes;
  for (const [ins, value] of changes) out = concat(out.subarray(0, ins.at), encodeInteger(value), out.subarray(ins.at + ins.length));
  return { bytes: out, description: `tensor view at ${offset.at}: ${edit} in dim ${d} (${changes.map(([, v]) => v).join(', ')})` };
}

/** One pickle-aware edit of a single pickle (`bytes` holds just that pickle). */
export function mutatePickle(bytes: Uint8Array, rng: Rng): { bytes: Uint8Array; description: string } {
  const code = scanPickle(bytes);
  if (code.length === 0) return { bytes: concat(randomInstruction(rng), bytes), description: 'insert an instruction at 0' };
  const ins = pick(rng, code);
  const whole = (i: Instruction): Uint8Array => bytes.subarray(i.at, i.at + i.length);
  const splice = (i: Instruction, replacement: Uint8Array): Uint8Array => concat(bytes.subarray(0, i.at), replacement, bytes.subarray(i.at + i.length));
  const integers = code.filter((i) => INTEGER_OPS.has(i.op));
  const strings = code.filter((i) => STRING_OPS.has(i.op) || i.op === 0x63);
  const lengths = code.filter((i) => OPCODES.get(i.op)?.kind === 'counted');
  const views = tensorViews(code);
  const op = weighted(rng, [
    [views.length > 0 ? 3 : 0, 'view'],
    [2, 'opcode'], [1, 'delete'], [1, 'duplicate'], [1, 'swap'], [2, 'insert'],
    [integers.length > 0 ? 5 : 0, 'integer'], [strings.length > 0 ? 2 : 0, 'string'], [lengths.length > 0 ? 2 : 0, 'length'], [1, 'truncate'],
  ] as const);
  switch (op) {
    case 'view':
      return editView(bytes, pick(rng, views), rng);
    case 'opcode': {
      const replacement = pick(rng, ALL_OPCODES);
      const out = bytes.slice();
      out[ins.at] = replacement;
      return { bytes: out, description: `opcode at ${ins.at}: 0x${ins.op.toString(16)} -> 0x${replacement.toString(16)}` };
    }
    case 'delete':
      return { bytes: splice(ins, new Uint8Array(0)), description: `delete instruction 0x${ins.op.toString(16)} at ${ins.at}` };
    case 'duplicate':
      return { bytes: splice(ins, concat(whole(ins), whole(ins))), description: `duplicate instruction 0x${ins.op.toString(16)} at ${ins.at}` };
    case 'swap': {
      const other = pick(rng, code);
      const [first, second] = other.at < ins.at ? [other, ins] : [ins, other];
      if (first === second) return { bytes: bytes.slice(), description: 'swap an instruction with itself' };
      return {
        bytes: concat(bytes.subarray(0, first.at), whole(second), bytes.subarray(first.at + first.length, second.at), whole(first), bytes.subarray(second.at + second.length)),
        description: `swap instructions at ${first.at} and ${second.at}`,
      };
    }
    case 'insert': {
      const inserted = randomInstruction(rng);
      return { bytes: concat(bytes.subarray(0, ins.at), inserted, bytes.subarray(ins.at)), description: `insert instruction 0x${(inserted[0] as number).toString(16)} at ${ins.at}` };
    }
    case 'integer': {
      const target = pick(rng, integers);
      const value = interestingInteger(rng, integerValue(bytes, target));
      return { bytes: splice(target, encodeInteger(value)), description: `integer at ${target.at} = ${value}` };
    }
    case 'string': {
      const target = pick(rng, strings);
      const word = pick(rng, WORDS);
      if (target.op === 0x63) {
        const module = chance(rng, 0.5) ? pick(rng, ['torch', 'collections', 'torch._utils', 'os', '__builtin__', 'builtins']) : word;
        const encoded = new TextEncoder().encode(`c${module}\n${word}\n`);
        return { bytes: splice(target, encoded), description: `GLOBAL at ${target.at} = ${module}.${word}` };
      }
      return { bytes: splice(target, encodeString(word)), description: `string at ${target.at} = ${JSON.stringify(word)}` };
    }
    case 'length': {
      const target = pick(rng, lengths);
      const argument = OPCODES.get(target.op) as { kind: 'counted'; width: number };
      const out = bytes.slice();
      const old = readLength(bytes, target.at + 1, argument.width);
      const value = interestingUint(rng, argument.width, [Number(old), bytes.length - target.at]);
      writeUintLE(out, target.at + 1, argument.width, value);
      return { bytes: out, description: `length of 0x${target.op.toString(16)} at ${target.at} = ${value} (was ${old})` };
    }
    case 'truncate': {
      const cut = chance(rng, 0.5) ? ins.at : between(rng, 0, bytes.length);
      return { bytes: bytes.slice(0, cut), description: `truncate pickle to ${cut} bytes` };
    }
  }
}
