// Byte helpers shared by every module: hex and base64 at the edges, comparison for ordering.
// Core runs in browsers too (the SDK uses it), so nothing here touches Node's Buffer.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { ErrorCode, ZwError } from './errors.js';

const hexPattern = /^(?:[0-9a-fA-F]{2})*$/;

export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** Parses even-length hex (an optional 0x prefix is allowed); else throws INVALID_ARGUMENT. */
export function fromHex(text: string, what = 'hex value'): Uint8Array {
  const body = text.startsWith('0x') ? text.slice(2) : text;
  if (!hexPattern.test(body)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${what} is not even-length hex`);
  }
  return hexToBytes(body);
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

export function fromBase64(text: string, what = 'base64 value'): Uint8Array {
  if (text.length % 4 !== 0 || !base64Pattern.test(text)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `${what} is not canonical base64`);
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of byte strings, shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = (a[i] as number) - (b[i] as number);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
