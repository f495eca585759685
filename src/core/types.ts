// Branded primitive types: a height is not a nonce, a hash is not a public key, even though both
// are numbers or bytes at run time. Constructors check the value once at the boundary.
import { ErrorCode, ZwError } from './errors.js';

declare const brand: unique symbol;
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

export type Height = Brand<number, 'Height'>;
export type Round = Brand<number, 'Round'>;
export type Hash = Brand<Uint8Array, 'Hash'>;
export type Address = Brand<Uint8Array, 'Address'>;
export type PublicKey = Brand<Uint8Array, 'PublicKey'>;
export type ChainId = Brand<string, 'ChainId'>;

export const hashBytes = 32;
export const addressBytes = 20;

export function asHeight(value: number): Height {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `height must be a non-negative integer`);
  }
  return value as Height;
}

export function asRound(value: number): Round {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `round must be a non-negative integer`);
  }
  return value as Round;
}

export function asHash(value: Uint8Array): Hash {
  if (value.length !== hashBytes) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `hash must be ${hashBytes} bytes`);
  }
  return value as Hash;
}

export function asAddress(value: Uint8Array): Address {
  if (value.length !== addressBytes) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `address must be ${addressBytes} bytes`);
  }
  return value as Address;
}

const chainIdPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function asChainId(value: string): ChainId {
  if (!chainIdPattern.test(value)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      'chain id must be 1-64 characters of a-z, 0-9, ".", "_" or "-"');
  }
  return value as ChainId;
}

/** A function from bytes to a 32-byte digest: SHA-256 on intl chains, SM3 on gm chains. */
export type HashFunction = (data: Uint8Array) => Uint8Array;
