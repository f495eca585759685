// Pseudonymous subject ids: how records about a person are named on chain without the person's
// national id ever appearing there. A citizen derives their own id in the portal (or with
// `zw usage --national-id`) from the id card number and the chain id; a provider's node derives
// the same id when it serves a record.
//
// A plain hash of an 18-digit resident id could be reversed by enumeration (about 1e11
// well-formed numbers), so the derivation is scrypt with a chain-specific salt: the same person
// gets unrelated ids on different chains, and reversing one id costs a full scrypt per guess.
// N = 2^13 keeps one derivation around 35 ms in Node and well under a second in a browser.
import { scrypt } from '@noble/hashes/scrypt.js';
import { ErrorCode, ZwError, toHex, utf8 } from '../core/index.js';

const subjectScrypt = { N: 2 ** 13, r: 8, p: 1, dkLen: 32 } as const;
const residentIdPattern = /^\d{17}[\dX]$/;
const otherIdPattern = /^[A-Z0-9-]{5,40}$/;

// GB 11643-1999 check digit: weights 2^(17-i) mod 11 over the first 17 digits.
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkDigits = '10X98765432';

/**
 * The canonical form of a personal id: trimmed and upper-cased. An 18-character resident id
 * (GB 11643-1999) must carry a correct check digit, so a mistyped digit is caught before it
 * yields an id that matches nobody; other documents (passports, permits) are 5-40 letters,
 * digits or dashes with at least one letter.
 */
export function normalizePersonalId(raw: string): string {
  const id = raw.trim().toUpperCase();
  if (residentIdPattern.test(id)) {
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(id[i]) * (weights[i] as number);
    if (checkDigits[sum % 11] !== id[17]) {
      throw new ZwError(ErrorCode.INVALID_ARGUMENT,
        'the resident id number has a wrong check digit');
    }
    return id;
  }
  // A string of digits is a mistyped resident id, never another document's number.
  if (/^\d+X?$/.test(id) || !otherIdPattern.test(id)) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT,
      'a personal id is an 18-character resident id or 5-40 letters, digits and dashes');
  }
  return id;
}

/** The subject id (64 hex) of a person on the chain `chainId`. */
export function deriveSubjectId(personalId: string, chainId: string): string {
  const id = normalizePersonalId(personalId);
  return toHex(scrypt(utf8(id), utf8(`zhengwu/subject/v1/${chainId}`), subjectScrypt));
}
