// The one interface every crypto suite implements. A chain picks its suite at genesis: `intl`
// (Ed25519, SHA-256, X25519 + AES-256-GCM) or `gm` (SM2 with the GB/T 32918 default user id,
// SM3, SM4, SM2 encryption). Everything above crypto — transactions, votes, state proofs, the
// keystore — is written against this interface and never names an algorithm.
import type { Address, PublicKey } from '../core/index.js';

export type SuiteName = 'intl' | 'gm';

export interface KeyPair {
  /** Raw private scalar/seed: 32 bytes in both suites. Never logged, never sent. */
  readonly privateKey: Uint8Array;
  /** Raw public key: Ed25519 32 bytes; SM2 65 bytes uncompressed (0x04 || x || y). */
  readonly publicKey: PublicKey;
}

export interface CryptoSuite {
  readonly name: SuiteName;
  /** SHA-256 or SM3; 32 bytes. */
  hash(data: Uint8Array): Uint8Array;
  /** Name of the hash for display and tools: 'sha256' or 'sm3'. */
  readonly hashName: 'sha256' | 'sm3';
  /** Byte length of a raw public key in this suite. */
  readonly publicKeyBytes: number;

  generateKeyPair(): KeyPair;
  publicKeyOf(privateKey: Uint8Array): PublicKey;
  /** Ed25519: 64-byte signature. SM2: DER-encoded (r, s) over SM3(Z_A || message), default id. */
  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /**
   * Never throws on malformed keys or signatures: returns false. (The native gm suite throws
   * UNAVAILABLE if the SM2 addon was never built: a deployment fault, not bad input.)
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** The 20-byte account address of a public key: the first 20 bytes of hash(publicKey). */
  address(publicKey: Uint8Array): Address;

  /**
   * Public-key encryption to a recipient. gm: SM2 encryption (GM/T 0003.4, C1C3C2 ASN.1 as
   * OpenSSL writes it) with the recipient's SM2 key. intl: an envelope of an ephemeral X25519 key,
   * HKDF-SHA256 and AES-256-GCM, to the recipient's X25519 key (see encryptionKeyPair and
   * formats.ts). SM2 cannot encrypt an empty message (OpenSSL refuses to), so gm throws
   * INVALID_ARGUMENT for one; decrypt throws MALFORMED when a ciphertext fails its check.
   */
  encryptionKeyPair(): KeyPair;
  encryptionPublicKeyOf(privateKey: Uint8Array): Uint8Array;
  encrypt(recipientPublicKey: Uint8Array, plaintext: Uint8Array): Uint8Array;
  decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array;

  /**
   * Authenticated symmetric encryption with a 32-byte key: AES-256-GCM (intl) or SM4 in an
   * authenticated mode (gm: SM4-CTR + HMAC-SM3, see formats.ts). Output carries its own nonce;
   * openSymmetric throws MALFORMED on any tampering.
   */
  sealSymmetric(key: Uint8Array, plaintext: Uint8Array, associatedData?: Uint8Array): Uint8Array;
  openSymmetric(key: Uint8Array, sealed: Uint8Array, associatedData?: Uint8Array): Uint8Array;
}
