// The small slice of DER (ITU-T X.690) that building and reading our X.509 certificates needs:
// encoders for the few universal types a certificate uses, and a reader that walks the
// tag-length-value tree without interpreting it. Kept here rather than pulling in an ASN.1
// library, because certificates are generated synchronously with node:crypto and a dependency
// would bring WebCrypto's asynchronous API and a dependency-injection container with it.
import { ErrorCode, ZwError, concatBytes, utf8 } from '../core/index.js';

export const derTag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  objectIdentifier: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
} as const;

function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** One TLV with the given tag byte around already-encoded contents. */
export function derValue(tag: number, contents: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), lengthBytes(contents.length), contents);
}

export function derSequence(...items: readonly Uint8Array[]): Uint8Array {
  return derValue(derTag.sequence, concatBytes(...items));
}

export function derSet(...items: readonly Uint8Array[]): Uint8Array {
  return derValue(derTag.set, concatBytes(...items));
}

/** A context-specific constructed tag, [n] EXPLICIT. */
export function derExplicit(tagNumber: number, inner: Uint8Array): Uint8Array {
  return derValue(0xa0 | tagNumber, inner);
}

/** A non-negative integer from big-endian magnitude bytes, minimal as DER requires. */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const body = magnitude.subarray(start);
  const padded = ((body[0] ?? 0) & 0x80) !== 0 ? concatBytes(Uint8Array.of(0), body) : body;
  return derValue(derTag.integer, padded.length === 0 ? Uint8Array.of(0) : padded);
}

export function derSmallInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffff) {
    throw new ZwError(ErrorCode.INTERNAL, `small DER integer out of range: ${value}`);
  }
  return derUnsignedInteger(Uint8Array.of(value >> 8, value & 0xff));
}

export function derBoolean(value: boolean): Uint8Array {
  return derValue(derTag.boolean, Uint8Array.of(value ? 0xff : 0x00));
}

export function derOctetString(contents: Uint8Array): Uint8Array {
  return derValue(derTag.octetString, contents);
}

/** A BIT STRING with no unused bits, which is all certificates need for keys and signatures. */
export function derBitString(contents: Uint8Array): Uint8Array {
  return derValue(derTag.bitString, concatBytes(Uint8Array.of(0), contents));
}

/** A BIT STRING of named bits (KeyUsage), bit 0 being the most significant bit of byte 0. */
export function derNamedBits(bits: readonly number[]): Uint8Array {
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) {
    const index = Math.floor(bit / 8);
    bytes[index] = (bytes[index] ?? 0) | (0x80 >> (bit % 8));
  }
  const unused = 7 - (highest % 8);
  return derValue(derTag.bitString, concatBytes(Uint8Array.of(unused), bytes));
}

export function derObjectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((arc) => Number(arc));
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined) {
    throw new ZwError(ErrorCode.INTERNAL, `bad object identifier ${dotted}`);
  }
  const out: number[] = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) {
      groups.unshift(0x80 | (value & 0x7f));
    }
    out.push(...groups);
  }
  return derValue(derTag.objectIdentifier, Uint8Array.from(out));
}

export function derUtf8String(text: string): Uint8Array {
  return derValue(derTag.utf8String, utf8(text));
}

/** The bytes of printable ASCII text, for IA5String contents (tagged implicitly or not). */
export function asciiBytes(text: string): Uint8Array {
  if (!/^[\x20-\x7e]*$/.test(text)) {
    throw new ZwError(ErrorCode.INTERNAL, 'IA5String holds only printable ASCII here');
  }
  return utf8(text);
}

export function derIa5String(text: string): Uint8Array {
  return derValue(derTag.ia5String, asciiBytes(text));
}

/** UTCTime before 2050 and GeneralizedTime from 2050 on, as RFC 5280 §4.1.2.5 requires. */
export function derTime(epochMs: number): Uint8Array {
  const iso = new Date(Math.floor(epochMs / 1000) * 1000).toISOString();
  const digits = iso.replace(/[-:T]/g, '').slice(0, 14);
  const year = Number(digits.slice(0, 4));
  return year < 2050
    ? derValue(derTag.utcTime, utf8(`${digits.slice(2)}Z`))
    : derValue(derTag.generalizedTime, utf8(`${digits}Z`));
}

/** One element read from DER: its tag, where it starts, its contents and where it ends. */
export interface DerElement {
  readonly tag: number;
  readonly start: number;
  readonly contents: Uint8Array;
  readonly end: number;
}

/** Reads the element at `offset` of `bytes`; throws MALFORMED on truncated or long-form junk. */
export function readDer(bytes: Uint8Array, offset = 0): DerElement {
  const malformed = (): never => {
    throw new ZwError(ErrorCode.MALFORMED, 'malformed DER');
  };
  const tag = bytes[offset] ?? malformed();
  let first = bytes[offset + 1] ?? malformed();
  let cursor = offset + 2;
  let length = first;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) malformed();
    length = 0;
    for (let i = 0; i < count; i++) {
      first = bytes[cursor++] ?? malformed();
      length = length * 256 + first;
    }
  }
  const end = cursor + length;
  if (end > bytes.length) malformed();
  return { tag, start: offset, contents: bytes.subarray(cursor, end), end };
}

/** The elements inside a constructed element, in order. */
export function readDerChildren(element: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < element.contents.length;) {
    const child = readDer(element.contents, offset);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** The whole encoding of an element, header included. */
export function derBytes(source: Uint8Array, element: DerElement): Uint8Array {
  return source.subarray(element.start, element.end);
}
