// The subject-key committee of a chain (ADR 0013) as its genesis names it, and one agency's
// secret key on its node's disk.
//
// genesis.json carries `subjects: {keys: [{agency, publicKey}], credentialIssuers: [agency]}`:
// the m agencies whose nodes evaluate the subject-id VOPRF, each with the public key its DLEQ
// proofs are checked against, in the order their outputs are hashed; and the identity agencies
// whose `subject-credential` members may bind a citizen's key to a subject id. A genesis
// without the section has no way to derive subject ids: uploads with personal ids and usage
// credentials are refused, and subject ids given as 64 hex still work.
//
// The secret key lives in `<home>/subject-key.json`, sealed under a key derived from the node's
// own (keystore-protected) private key, so it is exactly as protected as the validator key and
// no file or party outside that node ever holds it.
import { hkdfSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ErrorCode, ZwError, bytesEqual, encode, fromHex, toHex, utf8 } from '../core/index.js';
import { oprfElementBytes } from '../crypto/index.js';
import type { CryptoSuite, OprfKeyPair } from '../crypto/index.js';

export interface SubjectKeyEntry {
  readonly agency: string;
  /** Hex ristretto255 point: the agency's VOPRF public key. */
  readonly publicKey: string;
}

export interface GenesisSubjects {
  readonly keys: readonly SubjectKeyEntry[];
  readonly credentialIssuers: readonly string[];
}

export interface SubjectCommittee {
  readonly keys: readonly { readonly agency: string; readonly publicKey: Uint8Array }[];
  readonly credentialIssuers: readonly string[];
}

/** Subject-key agencies a genesis may name: each is one more node every derivation waits on. */
export const subjectKeyAgenciesMax = 7;
export const subjectKeyFileName = 'subject-key.json';
const keyFileFormat = 'zhengwu-subject-key/1';

function invalid(message: string): ZwError {
  return new ZwError(ErrorCode.INVALID_ARGUMENT, `genesis subjects: ${message}`);
}

/**
 * The committee a genesis names, checked: 1-7 distinct listed agencies with 32-byte keys, and
 * credential issuers that are listed agencies. Null when the genesis has no `subjects`.
 */
export function subjectCommitteeOf(genesis: unknown): SubjectCommittee | null {
  const record = genesis as { subjects?: unknown; agencies?: readonly { id: string }[] };
  if (record.subjects === undefined) return null;
  const subjects = record.subjects as Partial<GenesisSubjects> | null;
  const agencies = new Set((record.agencies ?? []).map((agency) => agency.id));
  if (subjects === null || typeof subjects !== 'object' || !Array.isArray(subjects.keys) ||
      subjects.keys.length === 0 || subjects.keys.length > subjectKeyAgenciesMax) {
    throw invalid(`keys: 1-${subjectKeyAgenciesMax} subject-key agencies`);
  }
  const keys = subjects.keys.map((entry: SubjectKeyEntry) => {
    if (typeof entry?.agency !== 'string' || !agencies.has(entry.agency)) {
      throw invalid(`${String(entry?.agency)} is not a listed agency`);
    }
    const publicKey = fromHex(String(entry.publicKey), 'subject public key');
    if (publicKey.length !== oprfElementBytes) throw invalid('a public key is 32 bytes');
    return { agency: entry.agency, publicKey };
  });
  if (new Set(keys.map((key) => key.agency)).size !== keys.length) {
    throw invalid('an agency holds at most one subject key');
  }
  const issuers = subjects.credentialIssuers ?? [];
  if (!Array.isArray(issuers) || !issuers.every((id) => typeof id === 'string' &&
      agencies.has(id))) {
    throw invalid('credentialIssuers must be listed agencies');
  }
  return { keys, credentialIssuers: [...issuers] };
}

function wrappingKey(suite: CryptoSuite, nodePrivateKey: Uint8Array, chainId: string):
  Uint8Array {
  return new Uint8Array(hkdfSync(suite.hashName, nodePrivateKey, utf8(chainId),
    utf8('zhengwu/subject-key/wrap/v1'), 32));
}

/** Writes an agency's subject key beside its node keystore (0600), sealed by the node key. */
export function writeSubjectKeyFile(path: string, suite: CryptoSuite, chainId: string,
  nodePrivateKey: Uint8Array, key: OprfKeyPair): void {
  const sealed = suite.sealSymmetric(wrappingKey(suite, nodePrivateKey, chainId), key.secretKey,
    encode([keyFileFormat, chainId, key.publicKey]));
  writeFileSync(path, `${JSON.stringify({ format: keyFileFormat, chainId,
    publicKey: toHex(key.publicKey), sealed: toHex(sealed) }, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The node's subject key, when its home holds one; it must be the key the genesis lists for the
 * node's agency, or the node refuses to start rather than answer with proofs nobody accepts.
 */
export function readSubjectKeyFile(path: string, suite: CryptoSuite, chainId: string,
  nodePrivateKey: Uint8Array, listed: Uint8Array | undefined): OprfKeyPair | null {
  if (!existsSync(path)) return null;
  const file = JSON.parse(readFileSync(path, 'utf8')) as { format?: string; chainId?: string;
    publicKey?: string; sealed?: string };
  if (file.format !== keyFileFormat || file.chainId !== chainId) {
    throw new ZwError(ErrorCode.BAD_KEY, `${path} is not a subject key of chain ${chainId}`);
  }
  const publicKey = fromHex(file.publicKey ?? '', 'subject public key');
  if (listed === undefined || !bytesEqual(listed, publicKey)) {
    throw new ZwError(ErrorCode.BAD_KEY,
      `${path} holds a subject key the genesis does not list for this agency`);
  }
  const secretKey = suite.openSymmetric(wrappingKey(suite, nodePrivateKey, chainId),
    fromHex(file.sealed ?? '', 'sealed subject key'), encode([keyFileFormat, chainId, publicKey]));
  return { secretKey, publicKey };
}
