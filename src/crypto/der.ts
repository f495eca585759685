// A minimal, strict DER (ITU-T X.690) reader and writer for the few structures crypto handles:
// SM2 signatures and ciphertexts, PKCS#8 private keys and SPKI public keys. Strict means that
// every input has exactly one accepted encoding: minimal lengths, minimal non-negative integers,
// no indefinite lengths and no trailing bytes. Two implementations (native and portable) must
// accept exactly the same signatures, so leniency here would be a consensus bug.
// Browser-safe: no Node imports.
import { ErrorCode, ZwError, concatBytes } from '../core/index.js';

export const derTag = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  objectIdentifier: 0x06,
  sequence: 0x30,
  contextConstructed0: 0xa0,
  contextConstructed1: 0xa1,
} as const;

/** Four length bytes cover 4 GiB, far beyond any structure we accept. */
const lengthBytesMax = 4;

export interface DerElement {
  readonly tag: number;
  readonly content: Uint8Array;
}

function malformed(what: string): ZwError {
  return new ZwError(ErrorCode.MALFORMED, `malformed DER: ${what}`);
}

/** Reads one element at `offset`; returns it and the offset just past it. */
export function readElement(bytes: Uint8Array, offset: number): {
  element: DerElement; end: number;
} {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) throw malformed('truncated header');
  // High tag numbers (low five bits all set) never occur in the structures we read.
  if ((tag & 0x1f) === 0x1f) throw malformed('multi-byte tag');
  let length = first;
  let start = offset + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0) throw malformed('indefinite length');
    if (count > lengthBytesMax) throw malformed('length too large');
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = bytes[start + i];
      if (byte === undefined) throw malformed('truncated length');
      if (i === 0 && byte === 0) throw malformed('non-minimal length');
      length = length * 256 + byte;
    }
    if (length < 0x80) throw malformed('non-minimal length');
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw malformed('truncated content');
  return { element: { tag, content: bytes.subarray(start, end) }, end };
}

/** Parses `bytes` as exactly one element, with nothing after it. */
export function readSingle(bytes: Uint8Array, tag: number): Uint8Array {
  const { element, end } = readElement(bytes, 0);
  if (end !== bytes.length) throw malformed('trailing bytes');
  if (element.tag !== tag) throw malformed(`expected tag 0x${tag.toString(16)}`);
  return element.content;
}

/** Splits constructed content into its elements. */
export function readChildren(content: Uint8Array): DerElement[] {
  const children: DerElement[] = [];
  let offset = 0;
  while (offset < content.length) {
    const { element, end } = readElement(content, offset);
    children.push(element);
    offset = end;
  }
  return children;
}

/** Reads a SEQUENCE and checks the tag of each of its elements. */
export function readSequence(bytes: Uint8Array, tags: readonly number[]): Uint8Array[] {
  const children = readChildren(readSingle(bytes, derTag.sequence));
  if (children.length !== tags.length) throw malformed('wrong number of elements');
  return children.map((child, index) => {
    if (child.tag !== tags[index]) throw malformed(`unexpected tag at element ${index}`);
    return child.content;
  });
}

/** Decodes the content of an INTEGER that must be non-negative and minimally encoded. */
export function decodeUnsignedInteger(content: Uint8Array): bigint {
  const first = content[0];
  if (first === undefined) throw malformed('empty integer');
  if (first >= 0x80) throw malformed('negative integer');
  const second = content[1];
  if (first === 0 && second !== undefined && second < 0x80) throw malformed('non-minimal integer');
  let value = 0n;
  for (const byte of content) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Decodes BIT STRING content that holds whole bytes (no unused bits), e.g. a public key. */
export function decodeBitString(content: Uint8Array): Uint8Array {
  if (content[0] !== 0) throw malformed('bit string with unused bits');
  return content.subarray(1);
}

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function encodeElement(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const content = concatBytes(...contents);
  return concatBytes(Uint8Array.of(tag), encodeLength(content.length), content);
}

export function encodeSequence(...elements: readonly Uint8Array[]): Uint8Array {
  return encodeElement(derTag.sequence, ...elements);
}

export function encodeUnsignedInteger(value: bigint): Uint8Array {
  if (value < 0n) throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'negative DER integer');
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  // A leading zero keeps a value whose top bit is set from reading as negative.
  if (bytes.length === 0 || (bytes[0] as number) >= 0x80) bytes.unshift(0);
  return encodeElement(derTag.integer, Uint8Array.from(bytes));
}

export function encodeOctetString(bytes: Uint8Array): Uint8Array {
  return encodeElement(derTag.octetString, bytes);
}

export function encodeBitString(bytes: Uint8Array): Uint8Array {
  return encodeElement(derTag.bitString, Uint8Array.of(0), bytes);
}

/** Big-endian fixed-width bytes of a non-negative integer known to fit. */
export function integerToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  if (rest !== 0n) throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'integer too large');
  return out;
}

export function bytesToInteger(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}
