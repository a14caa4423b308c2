/**
 * A pickle machine (Python's pickle protocols 2–4, Lib/pickletools.py documents every opcode) that understands only
 * what `torch.save(state_dict)` writes, and so executes nothing:
 *
 *   - the opcodes for None, bools, ints, floats, strings, bytes, tuples, lists, dicts, the memo, marks, REDUCE, BUILD,
 *     persistent ids (BINPERSID) and STOP; anything else (INST, OBJ, NEWOBJ, EXT*, ...) is refused;
 *   - the globals in GLOBALS below: `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`,
 *     `torch._utils._rebuild_parameter` and the `torch.<Type>Storage` classes. A GLOBAL naming anything else
 *     (`os.system`, `builtins.eval`, ...) is a CheckpointError at that opcode, so nothing a file names is ever run;
 *     REDUCE applies only those functions, implemented here.
 *
 * Storages come from persistent ids `('storage', torch.FloatStorage, key, location, numel)` (the legacy format adds
 * a sixth element, view metadata, which must be None). Every read is bounds-checked; each opcode consumes at least one
 * byte, so any input ends.
 */
import { CheckpointError } from '../errors.js';
import type { SafetensorsDType } from './safetensors.js';

/** One storage: `data/<key>` in the archive, `numel` elements of `dtype`. */
export interface StorageRef {
  readonly kind: 'storage';
  readonly dtype: SafetensorsDType;
  readonly key: string;
  readonly numel: number;
}

/** A tensor as `_rebuild_tensor_v2` describes it: a strided view on a storage, offsets and strides in elements. */
export interface TensorRef {
  readonly kind: 'tensor';
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: number[];
  readonly stride: number[];
}

export interface Tuple {
  readonly kind: 'tuple';
  readonly items: readonly Value[];
}
export interface List {
  readonly kind: 'list';
  readonly items: Value[];
}
export interface Dict {
  readonly kind: 'dict';
  readonly entries: Map<Key, Value>;
}
export interface Global {
  readonly kind: 'global';
  readonly name: string;
}
type Key = string | number | bigint | boolean | null;
type Value = Key | Uint8Array | Tuple | List | Dict | Global | StorageRef | TensorRef;
/** Anything a state dict pickle can hold. */
export type PickleValue = Value;

/** torch's storage classes and the dtype of their elements. */
const STORAGE_DTYPES: Readonly<Record<string, SafetensorsDType>> = {
  'torch.DoubleStorage': 'F64',
  'torch.FloatStorage': 'F32',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
  'torch.LongStorage': 'I64',
  'torch.IntStorage': 'I32',
  'torch.ShortStorage': 'I16',
  'torch.CharStorage': 'I8',
  'torch.ByteStorage': 'U8',
  'torch.BoolStorage': 'BOOL',
};
/** Bytes per element of each dtype. */
export const ITEMSIZE: { readonly [D in SafetensorsDType]: number } = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};
/** Bytes one tensor or storage may hold: 4 GiB, far above any BERT tensor (bert-large's largest is 125 MB in F32). */
export const MAX_TENSOR_BYTES = 2 ** 32;
const ORDERED_DICT = 'collections.OrderedDict';
const REBUILD_TENSOR_V2 = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
/** Every global a state dict may name; GLOBAL refuses the rest. */
const GLOBALS = new Set([ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_PARAMETER, ...Object.keys(STORAGE_DTYPES)]);

/** The pickle ran past the end of its bytes: truncated, or (legacy files) more of the file is needed. */
export class PickleEndedError extends CheckpointError {}

/**
 * Runs the pickle in `bytes` and returns the state dict it builds: tensor name → TensorRef, in file order.
 * `where` names the file and entry in errors (`model.bin: entry "archive/data.pkl"`).
 */
export function unpickleStateDict(bytes: Uint8Array, where: string): Map<string, TensorRef> {
  return stateDictFrom(unpickle(bytes, where).value, where);
}

/** Runs one pickle starting at byte `start`; returns its value and the offset just past its STOP. */
export function unpickle(bytes: Uint8Array, where: string, start = 0): { value: PickleValue; end: number } {
  const machine = new Machine(bytes, where, start);
  const value = machine.run();
  return { value, end: machine.position };
}

/** The pickled value as a state dict (string keys, tensor values), or a CheckpointError naming the entry at fault. */
export function stateDictFrom(value: PickleValue, where: string): Map<string, TensorRef> {
  if (!isKind(value, 'dict')) throw new CheckpointError(`${where}: the pickle holds ${describe(value)}, not a state dict`);
  const tensors = new Map<string, TensorRef>();
  for (const [key, entry] of value.entries) {
    if (typeof key !== 'string') throw new CheckpointError(`${where}: state dict key ${String(key)} is not a string`);
    if (!isKind(entry, 'tensor')) throw new CheckpointError(`${where}: state dict entry "${key}" is ${describe(entry)}, not a tensor`);
    tensors.set(key, entry);
  }
  return tensors;
}

export function isKind<K extends string>(value: Value, kind: K): value is Extract<Value, { kind: K }> {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && value.kind === kind;
}

export function describe(value: Value): string {
  if (value === null) return 'None';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return value.kind === 'global' ? `the global ${value.name}` : `a ${value.kind}`;
  return `a ${typeof value}`;
}

class Machine {
  private pos: number;
  private readonly stack: Value[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, Value>();
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
    start: number,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.pos;
  }

  private fail(message: string, at = this.pos): never {
    throw new CheckpointError(`${this.where}: pickle byte ${at}: ${message}`);
  }

  private take(length: number): number {
    if (length < 0 || this.pos + length > this.bytes.length) {
      throw new PickleEndedError(`${this.where}: pickle byte ${this.pos}: needs ${length} bytes, the pickle ends at ${this.bytes.length}`);
    }
    const at = this.pos;
    this.pos += length;
    return at;
  }
  private u8(): number {
    return this.view.getUint8(this.take(1));
  }
  private u16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  private i32(): number {
    return this.view.getInt32(this.take(4), true);
  }
  private u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  private u64(): number {
    const value = this.view.getBigUint64(this.take(8), true);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }
  private raw(length: number): Uint8Array {
    const at = this.take(length);
    return this.bytes.slice(at, at + length);
  }
  private text(length: number, encoding: 'utf-8' | 'latin1'): string {
    const at = this.take(length);
    try {
      return new TextDecoder(encoding, { fatal: true }).decode(this.bytes.subarray(at, at + length));
    } catch (cause) {
      throw new CheckpointError(`${this.where}: pickle byte ${at}: string is not valid ${encoding}`, { cause });
    }
  }
  /** A newline-terminated ASCII line (GLOBAL's module and name). */
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleEndedError(`${this.where}: pickle byte ${this.pos}: unterminated line`);
    const line = this.text(end - this.pos, 'latin1');
    this.take(1); // the newline
    return line;
  }

  private push(value: Value): void {
    this.stack.push(value);
  }
  private pop(): Value {
    if (this.stack.length <= (this.marks.at(-1) ?? 0)) this.fail('stack underflow');
    return this.stack.pop() as Value;
  }
  private top(): Value {
    if (this.stack.length <= (this.marks.at(-1) ?? 0)) this.fail('stack underflow');
    return this.stack[this.stack.length - 1] as Value;
  }
  /** Everything pushed since the last MARK, which is removed. */
  private popMark(): Value[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail('no MARK on the stack');
    return this.stack.splice(mark);
  }
  private memoGet(index: number): Value {
    const value = this.memo.get(index);
    if (value === undefined) this.fail(`memo slot ${index} is empty`);
    return value;
  }
  private memoPut(index: number): void {
    this.memo.set(index, this.top());
  }

  private setItems(dict: Value, items: readonly Value[]): void {
    if (!isKind(dict, 'dict')) this.fail(`SETITEM(S) on ${describe(dict)}`);
    if (items.length % 2 !== 0) this.fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i] as Value;
      if (typeof key === 'object' && key !== null) this.fail(`dict key of type ${describe(key)}`);
      dict.entries.set(key, items[i + 1] as Value);
    }
  }
  private appendItems(list: Value, items: readonly Value[]): void {
    if (!isKind(list, 'list')) this.fail(`APPEND(S) on ${describe(list)}`);
    for (const item of items) list.items.push(item); // not push(...items): a long batch would overflow the call stack
  }

  private global(module: string, name: string, at: number): Global {
    const full = `${module}.${name}`;
    if (!GLOBALS.has(full)) this.fail(`forbidden global ${full} (only the globals of a state dict are allowed; nothing is executed)`, at);
    return { kind: 'global', name: full };
  }

  /** REDUCE: the allowed callables, implemented here rather than looked up. */
  private reduce(callable: Value, args: Value, at: number): Value {
    if (!isKind(callable, 'global')) this.fail(`REDUCE calls ${describe(callable)}`, at);
    if (!isKind(args, 'tuple')) this.fail(`REDUCE arguments are ${describe(args)}, not a tuple`, at);
    const a = args.items;
    switch (callable.name) {
      case ORDERED_DICT:
        if (a.length !== 0) this.fail('OrderedDict(...) with arguments', at);
        return { kind: 'dict', entries: new Map() };
      case REBUILD_TENSOR_V2: {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (a.length !== 6 && a.length !== 7) this.fail(`_rebuild_tensor_v2 takes 6 or 7 arguments, got ${a.length}`, at);
        const [storage, offset, size, stride] = a;
        if (storage === undefined || !isKind(storage, 'storage')) this.fail(`_rebuild_tensor_v2: storage is ${describe(storage ?? null)}`, at);
        return {
          kind: 'tensor',
          storage,
          offset: this.count(offset ?? null, 'storage offset', at),
          shape: this.counts(size ?? null, 'size', at),
          stride: this.counts(stride ?? null, 'stride', at),
        };
      }
      case REBUILD_PARAMETER: {
        // (data, requires_grad, backward_hooks): an nn.Parameter is its tensor here.
        const data = a[0];
        if (a.length !== 3 || data === undefined || !isKind(data, 'tensor')) this.fail('_rebuild_parameter: expected (tensor, requires_grad, hooks)', at);
        return data;
      }
      default:
        return this.fail(`REDUCE cannot call ${callable.name}`, at);
    }
  }

  private count(value: Value, what: string, at: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) this.fail(`${what} ${String(value)} is not a non-negative integer`, at);
    return value;
  }
  private counts(value: Value, what: string, at: number): number[] {
    if (!isKind(value, 'tuple')) this.fail(`${what} is ${describe(value)}, not a tuple`, at);
    return value.items.map((item) => this.count(item, what, at));
  }

  /** BINPERSID: ('storage', torch.<Type>Storage, key, location, numel[, None]). */
  private persistentLoad(pid: Value, at: number): StorageRef {
    if (!isKind(pid, 'tuple') || (pid.items.length !== 5 && pid.items.length !== 6)) this.fail(`persistent id ${describe(pid)} is not a storage tuple`, at);
    const [tag, type, key, , numel, view] = pid.items;
    if (tag !== 'storage') this.fail(`persistent id tag ${String(tag)} is not "storage"`, at);
    if (type === undefined || !isKind(type, 'global') || STORAGE_DTYPES[type.name] === undefined) this.fail('persistent id does not name a storage class', at);
    if (typeof key !== 'string') this.fail('storage key is not a string', at);
    if (view !== undefined && view !== null) this.fail(`storage "${key}": views of storages (legacy view metadata) are not supported`, at);
    return { kind: 'storage', dtype: STORAGE_DTYPES[type.name] as SafetensorsDType, key, numel: this.count(numel ?? null, `storage "${key}" numel`, at) };
  }

  /** LONG1: a little-endian two's-complement integer of n bytes. */
  private long(length: number): number | bigint {
    const at = this.take(length);
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.bytes[at + i] as number);
    if (length > 0 && ((this.bytes[at + length - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  run(): Value {
    for (;;) {
      const at = this.pos;
      const op = this.u8();
      switch (op) {
        case 0x80: { // PROTO
          const protocol = this.u8();
          if (protocol > 5) this.fail(`pickle protocol ${protocol} is not supported`, at);
          break;
        }
        case 0x95: this.take(8); break; // FRAME: a length hint only
        case 0x2e: { // STOP
          const result = this.pop();
          if (this.stack.length !== 0 || this.marks.length !== 0) this.fail('STOP with items left on the stack', at);
          return result;
        }
        case 0x28: this.marks.push(this.stack.length); break; // MARK
        case 0x4e: this.push(null); break; // NONE
        case 0x88: this.push(true); break; // NEWTRUE
        case 0x89: this.push(false); break; // NEWFALSE
        case 0x4a: this.push(this.i32()); break; // BININT
        case 0x4b: this.push(this.u8()); break; // BININT1
        case 0x4d: this.push(this.u16()); break; // BININT2
        case 0x8a: this.push(this.long(this.u8())); break; // LONG1
        case 0x47: this.push(this.view.getFloat64(this.take(8), false)); break; // BINFLOAT (big-endian)
        case 0x58: this.push(this.text(this.u32(), 'utf-8')); break; // BINUNICODE
        case 0x8c: this.push(this.text(this.u8(), 'utf-8')); break; // SHORT_BINUNICODE
        case 0x8d: this.push(this.text(this.u64(), 'utf-8')); break; // BINUNICODE8
        case 0x54: { // BINSTRING (Python 2 str)
          const length = this.i32();
          if (length < 0) this.fail('negative BINSTRING length', at);
          this.push(this.text(length, 'latin1'));
          break;
        }
        case 0x55: this.push(this.text(this.u8(), 'latin1')); break; // SHORT_BINSTRING
        case 0x42: this.push(this.raw(this.u32())); break; // BINBYTES
        case 0x43: this.push(this.raw(this.u8())); break; // SHORT_BINBYTES
        case 0x29: this.push({ kind: 'tuple', items: [] }); break; // EMPTY_TUPLE
        case 0x74: this.push({ kind: 'tuple', items: this.popMark() }); break; // TUPLE
        case 0x85: case 0x86: case 0x87: { // TUPLE1, TUPLE2, TUPLE3
          const items: Value[] = [];
          for (let n = op - 0x84; n > 0; n--) items.unshift(this.pop());
          this.push({ kind: 'tuple', items });
          break;
        }
        case 0x5d: this.push({ kind: 'list', items: [] }); break; // EMPTY_LIST
        case 0x6c: this.push({ kind: 'list', items: this.popMark() }); break; // LIST
        case 0x61: { // APPEND
          const item = this.pop();
          this.appendItems(this.top(), [item]);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          this.appendItems(this.top(), items);
          break;
        }
        case 0x7d: this.push({ kind: 'dict', entries: new Map() }); break; // EMPTY_DICT
        case 0x64: { // DICT
          const dict: Dict = { kind: 'dict', entries: new Map() };
          this.setItems(dict, this.popMark());
          this.push(dict);
          break;
        }
        case 0x73: { // SETITEM
          const value = this.pop();
          const key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case 0x71: this.memoPut(this.u8()); break; // BINPUT
        case 0x72: this.memoPut(this.u32()); break; // LONG_BINPUT
        case 0x94: this.memoPut(this.memo.size); break; // MEMOIZE
        case 0x68: this.push(this.memoGet(this.u8())); break; // BINGET
        case 0x6a: this.push(this.memoGet(this.u32())); break; // LONG_BINGET
        case 0x63: { // GLOBAL "module\nname\n"
          const module = this.line();
          this.push(this.global(module, this.line(), at));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings', at);
          this.push(this.global(module, name, at));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop();
          this.push(this.reduce(this.pop(), args, at));
          break;
        }
        case 0x62: { // BUILD: only OrderedDict's state (state_dict's `_metadata` attribute), which is not needed
          this.pop();
          if (!isKind(this.top(), 'dict')) this.fail(`BUILD on ${describe(this.top())}`, at);
          break;
        }
        case 0x51: this.push(this.persistentLoad(this.pop(), at)); break; // BINPERSID
        default:
          this.fail(`opcode 0x${op.toString(16).padStart(2, '0')} is not allowed in a state dict pickle`, at);
      }
    }
  }
}
