/**
 * The protocol-buffer wire format (protobuf.dev/programming-guides/encoding), read field by field: a tag varint
 * (field number << 3 | wire type), then a varint, a 64-bit or 32-bit little-endian value, or a length-prefixed run of
 * bytes (strings, bytes and embedded messages). Only what SentencePiece's ModelProto needs; every read is checked
 * against the end of its message, so malformed bytes are a TokenizerError naming the file and the byte offset.
 */
import { TokenizerError } from '../../errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'start group', 'end group', '32-bit'];

/** One field of a message: its number, wire type, and where its value lies in the buffer. */
export interface ProtoField {
  number: number;
  wire: number;
  /** Varint value (wire 0); for the other wire types, 0. Varints above 2^53 are rounded; no field read here needs them. */
  varint: number;
  /** The varint's low 32 bits, exact (an int32 field is its two's complement). */
  low32: number;
  /** The value's bytes: [start, end) of the buffer (length-delimited: the payload; fixed: the 4 or 8 bytes). */
  start: number;
  end: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ProtoReader {
  /** Reads the message bytes[start, end); `source` and `message` name it in errors. */
  constructor(
    readonly bytes: Uint8Array,
    readonly source: string,
    readonly message: string,
    private pos = 0,
    private readonly end = bytes.length,
  ) {}

  /** The next field, or undefined at the end of the message. */
  next(): ProtoField | undefined {
    if (this.pos >= this.end) return undefined;
    const at = this.pos;
    const tag = this.readVarint();
    if (this.low32 !== tag) throw this.error(at, 'a field tag is larger than 32 bits');
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    if (number === 0) throw this.error(at, 'field number 0');
    if (wire === WIRE_VARINT) {
      const varint = this.readVarint();
      return { number, wire, varint, low32: this.low32, start: at, end: this.pos };
    }
    const size = wire === WIRE_FIXED64 ? 8 : wire === WIRE_FIXED32 ? 4 : wire === WIRE_LEN ? this.readVarint() : -1;
    if (size < 0) throw this.error(at, `field ${number} has wire type ${WIRE_NAMES[wire] ?? wire}, which is not supported`);
    const start = this.pos;
    if (size > this.end - start) throw this.error(at, `field ${number} needs ${size} bytes, but the message has ${this.end - start} left`);
    this.pos = start + size;
    return { number, wire, varint: 0, low32: 0, start, end: this.pos };
  }

  /** A reader over a length-delimited field's payload (an embedded message). */
  messageOf(field: ProtoField, message: string): ProtoReader {
    this.expect(field, WIRE_LEN);
    return new ProtoReader(this.bytes, this.source, message, field.start, field.end);
  }

  string(field: ProtoField): string {
    this.expect(field, WIRE_LEN);
    try {
      return utf8.decode(this.bytes.subarray(field.start, field.end));
    } catch (cause) {
      throw new TokenizerError(`${this.source}: ${this.message} field ${field.number} at byte ${field.start} is not valid UTF-8`, { cause });
    }
  }

  bytesOf(field: ProtoField): Uint8Array {
    this.expect(field, WIRE_LEN);
    return this.bytes.subarray(field.start, field.end);
  }

  float(field: ProtoField): number {
    this.expect(field, WIRE_FIXED32);
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + field.start, 4).getFloat32(0, true);
  }

  /** An int32 field: varints are two's complement over 64 bits, so a negative int32 arrives as 10 bytes. */
  int32(field: ProtoField): number {
    this.expect(field, WIRE_VARINT);
    return field.low32 | 0;
  }

  bool(field: ProtoField): boolean {
    this.expect(field, WIRE_VARINT);
    return field.varint !== 0;
  }

  error(at: number, problem: string): TokenizerError {
    return new TokenizerError(`${this.source}: ${this.message} at byte ${at}: ${problem}`);
  }

  private expect(field: ProtoField, wire: number): void {
    if (field.wire !== wire) {
      throw this.error(field.start, `field ${field.number} should be ${WIRE_NAMES[wire]}, found ${WIRE_NAMES[field.wire] ?? field.wire}`);
    }
  }

  /** The low 32 bits of the last varint read (unsigned). */
  private low32 = 0;

  private readVarint(): number {
    const at = this.pos;
    let value = 0;
    let scale = 1;
    let low = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.error(at, 'a varint runs past the end of the message');
      const b = this.bytes[this.pos++] ?? 0;
      value += (b & 0x7f) * scale;
      if (i < 5) low |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        this.low32 = low >>> 0;
        return value;
      }
      scale *= 128;
    }
    throw this.error(at, 'a varint is longer than 10 bytes');
  }
}
