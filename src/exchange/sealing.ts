// Encryption in the data exchange, composed from the chain suite's vetted primitives:
// - in transit: a fresh content key seals the payload (AES-256-GCM or SM4 + HMAC-SM3), and the
//   content key is encrypted to the requester node's one-time key (X25519 envelope or SM2
//   encryption). The request hash is the associated data, so an answer cannot be passed off as
//   the answer to another request.
// - at rest: the provider's node seals every stored record under a key derived by HKDF (SHA-256
//   or SM3, OpenSSL's) from its own node key, so the dataset file alone reveals nothing and the
//   key is as protected as the node's keystore.
import { hkdfSync } from 'node:crypto';
import { ErrorCode, ZwError, decode, encode, utf8 } from '../core/index.js';
import { randomBytes } from '../crypto/index.js';
import type { CryptoSuite } from '../crypto/index.js';

const contentKeyBytes = 32;

export function sealForRecipient(suite: CryptoSuite, recipientKey: Uint8Array,
  plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const contentKey = randomBytes(contentKeyBytes);
  return encode([suite.encrypt(recipientKey, contentKey),
    suite.sealSymmetric(contentKey, plaintext, associatedData)]);
}

export function openFromSender(suite: CryptoSuite, privateKey: Uint8Array, sealed: Uint8Array,
  associatedData: Uint8Array): Uint8Array {
  const value = decode(sealed);
  if (!Array.isArray(value) || value.length !== 2 || !(value[0] instanceof Uint8Array) ||
      !(value[1] instanceof Uint8Array)) {
    throw new ZwError(ErrorCode.MALFORMED, 'sealed payload must be [wrapped key, ciphertext]');
  }
  const contentKey = suite.decrypt(privateKey, value[0]);
  if (contentKey.length !== contentKeyBytes) {
    throw new ZwError(ErrorCode.MALFORMED, 'wrapped content key has the wrong length');
  }
  return suite.openSymmetric(contentKey, value[1], associatedData);
}

/** The node's key for records at rest: HKDF(node private key, chain id, purpose). */
export function atRestKey(suite: CryptoSuite, nodePrivateKey: Uint8Array, chainId: string):
  Uint8Array {
  return new Uint8Array(hkdfSync(suite.hashName, nodePrivateKey, utf8(chainId),
    utf8('zhengwu/exchange/at-rest/v1'), 32));
}
