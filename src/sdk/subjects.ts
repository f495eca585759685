// Subject ids for clients (ADR 0013). A client never derives a subject id itself any more: a
// member asks their own node (`deriveSubjects`), which derives through the subject-key
// agencies. A citizen holds a key pair of the chain's suite (`createCitizenKey`); an identity
// agency's `subject-credential` member, having checked who the citizen is, issues a credential
// binding that key to the citizen's subject id (`issueCredential`); the citizen's usage log is
// then read with a request signed by that key (`usageProof`, used by `usage`).
import {
  ErrorCode, ZwError, fromBase64, fromHex, toBase64, toHex,
} from '../core/index.js';
import {
  decodeSubjectCredential, randomBytes, signSubjectRequest,
} from '../crypto/index.js';
import type { CryptoSuite, KeyPair } from '../crypto/index.js';
import type { Account } from './account.js';
import type { ZhengwuClient } from './client.js';

export const credentialFormat = 'zhengwu-subject-credential/1';
/** The header a usage proof travels in. */
export const usageProofHeader = 'zw-usage-proof';
/** Credentials hold this many blocks unless the issuer says otherwise (about a year at 1/s). */
const credentialBlocksDefault = 31_536_000;
const proofValidForBlocks = 20;

/** Who reads a usage log: a citizen's key with its credential, or an auditor's member key. */
export interface UsageReader {
  readonly suite: CryptoSuite;
  readonly key: KeyPair;
  /** The citizen's credential (encoded); null for an auditor signing as a member. */
  readonly credential: Uint8Array | null;
}

/** A credential as a file: the encoded credential and, for people, what it says. */
export interface CredentialFile {
  readonly format: string;
  readonly chainId: string;
  readonly subject: string;
  readonly holder: string;
  readonly expiryHeight: number;
  readonly issuer: string;
  readonly credential: string;
}

/** Asks the member's own node for the subject ids of personal ids (at most 32 per call). */
export async function deriveSubjects(account: Account, personalIds: readonly string[]):
  Promise<string[]> {
  const request = await account.subjectRequest('derive', { ids: [...personalIds] });
  const answer = await account.client.post<{ subjects: string[] }>('/v1/subjects/derive',
    { request: toBase64(request) });
  return answer.subjects;
}

/** A new citizen key pair, kept by the citizen (portal: in the browser; CLI: a keystore). */
export function createCitizenKey(suite: CryptoSuite): KeyPair {
  return suite.generateKeyPair();
}

/**
 * Issues a credential binding `holder` (a citizen's public key) to the subject id of the
 * person whose personal id the issuing member checked, derived by the member's node.
 */
export async function issueCredential(account: Account, input: { personalId: string;
  holder: Uint8Array; validForBlocks?: number }): Promise<CredentialFile> {
  const [subject] = await deriveSubjects(account, [input.personalId]);
  if (subject === undefined) throw new ZwError(ErrorCode.INTERNAL, 'no subject id derived');
  const issued = await account.subjectCredential(subject, input.holder,
    input.validForBlocks ?? credentialBlocksDefault);
  return credentialFile(issued.credential);
}

export function credentialFile(bytes: Uint8Array): CredentialFile {
  const credential = decodeSubjectCredential(bytes);
  return { format: credentialFormat, chainId: credential.chainId, subject: credential.subject,
    holder: toHex(credential.holder), expiryHeight: credential.expiryHeight,
    issuer: toHex(credential.issuer), credential: toBase64(bytes) };
}

/** The encoded credential of a credential file, checked to say what the file says. */
export function readCredentialFile(value: unknown): Uint8Array {
  const file = value as Partial<CredentialFile> | null;
  if (file?.format !== credentialFormat || typeof file.credential !== 'string') {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, `not a ${credentialFormat} file`);
  }
  const bytes = fromBase64(file.credential);
  const decoded = decodeSubjectCredential(bytes);
  if (decoded.subject !== file.subject || toHex(decoded.holder) !== file.holder) {
    throw new ZwError(ErrorCode.INVALID_ARGUMENT, 'the credential file contradicts itself');
  }
  return bytes;
}

/** The subject a credential names. */
export function credentialSubject(bytes: Uint8Array): string {
  return decodeSubjectCredential(bytes).subject;
}

/** A fresh usage proof for `subject` (base64), valid for a few blocks from the node's height. */
export async function usageProof(client: ZhengwuClient, reader: UsageReader, subject: string):
  Promise<string> {
  const status = await client.status();
  const request = signSubjectRequest(reader.suite, reader.key.privateKey, {
    chainId: status.chainId, action: 'usage', signer: reader.key.publicKey,
    expiryHeight: status.height + proofValidForBlocks, nonce: randomBytes(16),
    body: { subject, credential: reader.credential } });
  return toBase64(request);
}

/** A citizen key pair from its hex private key (the portal keeps it that way). */
export function citizenKeyFromHex(suite: CryptoSuite, privateKeyHex: string): KeyPair {
  const privateKey = fromHex(privateKeyHex, 'citizen private key');
  return { privateKey, publicKey: suite.publicKeyOf(privateKey) };
}
