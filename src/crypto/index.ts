// Public entry of `crypto`: the two signature suites (intl: Ed25519, SHA-256, X25519 +
// AES-256-GCM; gm: SM2 with the default user id, SM3, SM4), PEM key files, and keystores.
// Everything above crypto imports from here only.
//
// In Node, getSuite returns the native suites (OpenSSL via node:crypto and the SM2 addon); in a
// browser it returns the portable ones. The Node-only files are reached through a dynamic
// import that a browser never evaluates, so a bundler can ship this entry to the portal as is
// (Vite notes that it externalized node:crypto for that unused chunk). getPortableSuite always
// returns the pure-JavaScript suite, on any platform.
import type { CryptoBackend } from './backend.js';
import { keystoreFunctions } from './keystore.js';
import { portableBackend } from './portable.js';
import type { CryptoSuite, SuiteName } from './suite.js';

const runningInNode = typeof globalThis.process === 'object'
  && typeof globalThis.process.versions === 'object'
  && typeof globalThis.process.versions.node === 'string';

const backend: CryptoBackend = runningInNode
  ? (await import('./node-backend.js')).nodeBackend
  : portableBackend;

/** 'native' in Node, 'portable' in browsers. */
export const backendKind: CryptoBackend['kind'] = backend.kind;

/** The suite a chain names in its genesis; throws INVALID_ARGUMENT for an unknown name. */
export function getSuite(name: SuiteName): CryptoSuite {
  return backend.suite(name);
}

/** Cryptographically secure random bytes from the platform's generator. */
export function randomBytes(length: number): Uint8Array {
  return backend.randomBytes(length);
}

export const {
  createKeystore, openKeystore, createKeystoreAsync, openKeystoreAsync,
} = keystoreFunctions(backend);

export type { CryptoSuite, KeyPair, SuiteName } from './suite.js';
export { getPortableSuite, isSuiteName, checkSuiteName } from './portable.js';
export { parseKeystore, keystoreLimits } from './keystore.js';
export type {
  KeystoreFile, KeystoreOptions, KeystoreCipherName, KeyPurpose, OpenedKeystore,
  KeystoreFunctions,
} from './keystore.js';
export {
  privateKeyToPem, publicKeyToPem, privateKeyFromPem, publicKeyFromPem, privateKeyToPkcs8,
  publicKeyToSpki, privateKeyFromPkcs8, publicKeyFromSpki, suiteOfKeyKind,
} from './pem.js';
export type { KeyKind, ParsedPrivateKey, ParsedPublicKey } from './pem.js';
export {
  sm2DefaultUserId, sm2Order, encodeSm2Signature, decodeSm2Signature, encodeSm2Ciphertext,
  decodeSm2Ciphertext,
} from './sm2-format.js';
export type { Sm2Signature, Sm2Ciphertext } from './sm2-format.js';
export { sm3, hmacSm3, sm2UserHash, sm4Ctr } from './portable-gm.js';
export { symmetricCipherName, symmetricKeyBytes } from './formats.js';
export {
  readCertificate, certificateOids, keyUsageBits, certificateBytesMax,
} from './certificate.js';
export type {
  ParsedCertificate, CertificatePublicKey, CertificateKeyAlgorithm,
} from './certificate.js';
export type { ScryptParameters } from './backend.js';
export {
  normalizePersonalId, isSubjectId, subjectIdFromOutputs, subjectRequestSignBytes,
  signSubjectRequest, decodeSubjectRequest, verifySubjectRequest, deriveBodyIds, usageBody,
  credentialSignBytes, issueSubjectCredential, decodeSubjectCredential,
} from './subject.js';
export type {
  SubjectAction, SubjectRequest, SignedSubjectRequest, UsageBody, SubjectCredential,
} from './subject.js';
export {
  oprfElementBytes, generateOprfKey, oprfInput, blindInputs, evaluateBlinded,
  finalizeEvaluations, evaluateDirect,
} from './oprf.js';
export type { OprfKeyPair, BlindedInput, BlindEvaluation } from './oprf.js';
