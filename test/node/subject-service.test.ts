// The node's subject service (ADR 0013), with two agencies' services wired back to back: a
// provider derives through the committee (its own key and the other agency's node), a hostile
// committee node's answer fails its proof, a requesting agency is rate-limited, and reading a
// usage log takes a proof: none is SUBJECT_PROOF_REQUIRED, a wrong key or credential is
// SUBJECT_PROOF_INVALID, the citizen's credential key or a data-authority member is served.
import { describe, expect, it } from 'vitest';
import { decode, limits, toBase64 } from '../../src/core/index.js';
import type { ZwError } from '../../src/core/index.js';
import {
  evaluateDirect, generateOprfKey, getSuite, issueSubjectCredential, oprfInput, randomBytes,
  signSubjectRequest, subjectIdFromOutputs,
} from '../../src/crypto/index.js';
import type { KeyPair, OprfKeyPair } from '../../src/crypto/index.js';
import { decodeMessage, encodeMessage } from '../../src/network/index.js';
import { SubjectService } from '../../src/node/subject-service.js';
import type { SubjectIdentity, SubjectMessage } from '../../src/node/subject-service.js';

const suite = getSuite('intl');
const chainId = 'subject-test';
const market = 'CN-BJ/GOV/market';
const police = 'CN-BJ/GOV/police';
const data = 'CN-BJ/GOV/data';
const citizenId = '11010519491231002X';

interface Pair {
  readonly provider: SubjectService;
  readonly evaluator: SubjectService;
  readonly keys: readonly [OprfKeyPair, OprfKeyPair];
  readonly members: Map<string, SubjectIdentity>;
  readonly logs: Record<string, unknown>[];
  /** Answers sent to the `probe` peer, by request id: 'ok' or the error code. */
  readonly probe: Map<string, (answer: string) => void>;
}

/** A market node (committee key 1) and a police node (key 2), messages passed directly. */
function pair(options: { hostile?: boolean; rate?: number } = {}): Pair {
  const keys = [generateOprfKey(), generateOprfKey()] as const;
  const committee = { keys: [{ agency: market, publicKey: keys[0].publicKey },
    { agency: police, publicKey: keys[1].publicKey }], credentialIssuers: [police] };
  const members = new Map<string, SubjectIdentity>();
  const logs: Record<string, unknown>[] = [];
  const services: Record<string, SubjectService> = {};
  const probe = new Map<string, (answer: string) => void>();
  const make = (agency: string, key: OprfKeyPair): SubjectService => new SubjectService(
    { suite, chainId, agency, committee, key, threads: 0,
      ...(options.rate === undefined ? {} : { evalsPerAgencyPerMinuteMax: options.rate }) }, {
      height: () => 10,
      identify: (address) => members.get(Buffer.from(address).toString('hex')) ?? null,
      authorityAgency: () => data,
      peersOf: (wanted) => [{ address: wanted, agency: wanted }],
      send: (peer, message: SubjectMessage) => {
        if (peer === 'probe' && message.type === 'subject-eval-response') {
          const answer = decode(message.body) as [string, unknown, unknown];
          probe.get(Buffer.from(message.id).toString('hex'))?.(
            answer[0] === 'ok' ? 'ok' : String(answer[1]));
          return;
        }
        // Delivered on a later tick, as a socket would.
        setImmediate(() => services[peer]?.onPeerMessage({ address: agency, agency }, message));
      },
      log: (_level, _message, fields) => { logs.push(fields); },
    });
  // A hostile police node evaluates with a key other than the one the genesis lists.
  services[market] = make(market, keys[0]);
  services[police] = make(police, options.hostile === true ? generateOprfKey() : keys[1]);
  return { provider: services[market], evaluator: services[police], keys, members, logs,
    probe };
}

function expectedSubject(keys: readonly OprfKeyPair[], id: string): string {
  const input = oprfInput(chainId, id);
  return subjectIdFromOutputs(suite, chainId, keys.map((key) => evaluateDirect(key, input)));
}

function member(setup: Pair, agency: string, roles: string[]): KeyPair {
  const key = suite.generateKeyPair();
  setup.members.set(Buffer.from(suite.address(key.publicKey)).toString('hex'), { agency, roles });
  return key;
}

function usageProof(signer: KeyPair, subject: string, credential: Uint8Array | null,
  expiryHeight = 20): string {
  return toBase64(signSubjectRequest(suite, signer.privateKey, { chainId, action: 'usage',
    signer: signer.publicKey, expiryHeight, nonce: randomBytes(16),
    body: { subject, credential } }));
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return (error as ZwError).code;
  }
}

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'none';
  } catch (error) {
    return (error as ZwError).code;
  }
}

describe('subject service', () => {
  it('derives through every committee node, in batches, and logs each evaluation', async () => {
    const setup = pair();
    const ids = Array.from({ length: limits.subjectEvalBatchMax + 3 },
      (_, i) => `P${String(i).padStart(8, '0')}A`);
    const progress: number[] = [];
    const derived = await setup.provider.derive([citizenId, ...ids], (done) => {
      progress.push(done);
    });
    expect(derived[0]).toBe(expectedSubject(setup.keys, citizenId));
    expect(derived[5]).toBe(expectedSubject(setup.keys, ids[4] as string));
    expect(new Set(derived).size).toBe(ids.length + 1);
    expect(progress.at(-1)).toBe(ids.length + 1);
    // The police node logged two batches for the market agency.
    expect(setup.logs.filter((fields) => fields.agency === market)).toHaveLength(2);
    await setup.provider.close();
    await setup.evaluator.close();
  }, 120_000); // ~6 s idle; the curve work runs inline here, so a loaded machine slows it

  it('refuses a hostile committee node\'s answer (INVALID_PROOF)', async () => {
    const setup = pair({ hostile: true });
    expect(await code(setup.provider.derive([citizenId]))).toBe('INVALID_PROOF');
  });

  it('rate-limits a requesting agency at the committee node, and says so', async () => {
    const setup = pair({ rate: 300 });
    const ask = (count: number): Promise<string> => new Promise((resolve) => {
      const id = randomBytes(16);
      setup.probe.set(Buffer.from(id).toString('hex'), resolve);
      setup.evaluator.onPeerMessage({ address: 'probe', agency: market },
        { type: 'subject-eval-request', id,
          blinded: Array.from({ length: count }, () => generateOprfKey().publicKey) });
    });
    expect(await ask(256)).toBe('ok');
    expect(await ask(256)).toBe('RATE_LIMITED');
    // Another agency has its own allowance; garbage points are refused, not evaluated.
    expect(await new Promise((resolve) => {
      const id = randomBytes(16);
      setup.probe.set(Buffer.from(id).toString('hex'), resolve);
      setup.evaluator.onPeerMessage({ address: 'probe', agency: data },
        { type: 'subject-eval-request', id, blinded: [new Uint8Array(32).fill(0xff)] });
    })).toBe('MALFORMED');
    expect(setup.logs.filter((fields) => fields.agency === market)).toHaveLength(1);
  });

  it('serves usage only with a proof', () => {
    const setup = pair();
    const subject = 'a1'.repeat(32);
    const service = setup.provider;
    const citizen = suite.generateKeyPair();
    const stranger = suite.generateKeyPair();
    const officer = member(setup, police, ['subject-credential']);
    const clerk = member(setup, market, ['subject-credential']);
    const auditor = member(setup, data, ['data-authority']);
    const staff = member(setup, data, ['staff']);
    const credential = (issuer: KeyPair, holder = citizen.publicKey, about = subject,
      expiryHeight = 1_000): Uint8Array =>
      issueSubjectCredential(suite, issuer, { chainId, subject: about, holder, expiryHeight });
    const good = credential(officer);
    expect(codeOf(() => service.authorizeUsage(subject, undefined)))
      .toBe('SUBJECT_PROOF_REQUIRED');
    expect(codeOf(() => service.authorizeUsage(subject, 'bm90IGEgcHJvb2Y=')))
      .toBe('SUBJECT_PROOF_INVALID');
    // Right credential, wrong signer; another subject; expired; issuer without standing.
    expect(codeOf(() => service.authorizeUsage(subject, usageProof(stranger, subject, good))))
      .toBe('SUBJECT_PROOF_INVALID');
    expect(codeOf(() => service.authorizeUsage('b2'.repeat(32),
      usageProof(citizen, 'b2'.repeat(32), good)))).toBe('SUBJECT_PROOF_INVALID');
    expect(codeOf(() => service.authorizeUsage(subject, usageProof(citizen, subject,
      credential(officer, citizen.publicKey, subject, 5))))).toBe('SUBJECT_PROOF_INVALID');
    expect(codeOf(() => service.authorizeUsage(subject, usageProof(citizen, subject,
      credential(clerk))))).toBe('SUBJECT_PROOF_INVALID');
    expect(codeOf(() => service.authorizeUsage(subject, usageProof(citizen, subject,
      credential(stranger))))).toBe('SUBJECT_PROOF_INVALID');
    expect(codeOf(() => service.authorizeUsage(subject, usageProof(citizen, subject, good, 5))))
      .toBe('SUBJECT_PROOF_INVALID');
    expect(codeOf(() => service.authorizeUsage(subject, usageProof(staff, subject, null))))
      .toBe('SUBJECT_PROOF_INVALID');
    // The citizen with their credential, and an auditor, are served.
    expect(service.authorizeUsage(subject, usageProof(citizen, subject, good))).toBe('citizen');
    expect(service.authorizeUsage(subject, usageProof(auditor, subject, null))).toBe('auditor');
  });

  it('evaluation messages round-trip and are bounded before they are used', () => {
    const request = { type: 'subject-eval-request' as const, id: randomBytes(16),
      blinded: [generateOprfKey().publicKey, generateOprfKey().publicKey] };
    expect(decodeMessage(encodeMessage(request))).toEqual(request);
    const response = { type: 'subject-eval-response' as const, id: randomBytes(16),
      body: randomBytes(100) };
    expect(decodeMessage(encodeMessage(response))).toEqual(response);
    const tooMany = { ...request, blinded: Array.from({ length: limits.subjectEvalBatchMax + 1 },
      () => new Uint8Array(32)) };
    expect(() => decodeMessage(encodeMessage(tooMany))).toThrow(/1-256 elements/);
    expect(() => decodeMessage(encodeMessage({ ...request, blinded: [new Uint8Array(31)] })))
      .toThrow(/blinded element/);
  });
});
