// Subject ids through a node's API (ADR 0013), on in-process one-agency chains (intl and gm)
// whose agency holds the only subject key: a member's node derives subject ids (nobody else
// may ask), a citizen's credential lets the citizen read their own usage log, and GET
// /v1/usage refuses a request without a proof (401 SUBJECT_PROOF_REQUIRED) and one with a
// wrong key, another subject or a credential from a member without the role (403
// SUBJECT_PROOF_INVALID).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Account, ZhengwuClient, createCitizenKey, deriveSubjects, getSuite, identityCall,
  issueCredential, openKeystore, readCredentialFile, usage, usageProof,
} from '../../src/sdk/index.js';
import type { KeyPair } from '../../src/sdk/index.js';
import { startInProcessNode } from '../helpers/in-process.js';
import type { InProcessNode } from '../helpers/in-process.js';

const personalId = '11010519491231002X';

for (const suiteName of ['intl', 'gm'] as const) {
  const suite = getSuite(suiteName);
  let running: InProcessNode;
  let client: ZhengwuClient;
  let admin: Account;

  async function memberWith(roles: string[]): Promise<{ account: Account; key: KeyPair }> {
    const key = suite.generateKeyPair();
    await identityCall(admin, 'registerMember', { publicKey: key.publicKey, roles });
    return { account: new Account(suite, key, client), key };
  }

  async function get(path: string, proof?: string): Promise<{ status: number; code: unknown }> {
    const response = await fetch(`${running.url}${path}`,
      proof === undefined ? {} : { headers: { 'zw-usage-proof': proof } });
    const body = await response.json() as { code?: unknown };
    return { status: response.status, code: body.code };
  }

  beforeAll(async () => {
    running = await startInProcessNode(suiteName);
    client = new ZhengwuClient({ url: running.url });
    admin = new Account(suite, openKeystore(readFileSync(join(running.dir, 'admins',
      'market.key'), 'utf8'), running.passphrase), client);
  }, 120_000);
  afterAll(() => running.stop());

  describe(`subject ids and usage proofs (${suiteName})`, () => {
    it('derives subject ids for members of the node\'s agency only', async () => {
      const { account } = await memberWith(['staff']);
      const [first, second] = await deriveSubjects(account, [personalId, ` ${personalId} `]);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(second).toBe(first);
      const stranger = new Account(suite, suite.generateKeyPair(), client);
      await expect(deriveSubjects(stranger, [personalId])).rejects
        .toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(deriveSubjects(account, ['110105194912310021'])).rejects
        .toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('serves a usage log only to the credential\'s key or an auditor', async () => {
      const officer = await memberWith(['subject-credential']);
      const citizen = createCitizenKey(suite);
      const file = await issueCredential(officer.account, { personalId,
        holder: citizen.publicKey });
      const credential = readCredentialFile(file);
      const subject = file.subject;
      const reader = { suite, key: citizen, credential };
      expect(await usage(client, subject, reader)).toMatchObject({ subject, items: [] });
      // No proof, garbage, a stranger's key, another subject.
      expect(await get(`/v1/usage/${subject}`)).toEqual({ status: 401,
        code: 'SUBJECT_PROOF_REQUIRED' });
      expect(await get(`/v1/usage/${subject}`, 'AAAA')).toEqual({ status: 403,
        code: 'SUBJECT_PROOF_INVALID' });
      const stranger = { suite, key: suite.generateKeyPair(), credential };
      expect(await get(`/v1/usage/${subject}`, await usageProof(client, stranger, subject)))
        .toEqual({ status: 403, code: 'SUBJECT_PROOF_INVALID' });
      const other = 'c3'.repeat(32);
      expect(await get(`/v1/usage/${other}`, await usageProof(client, reader, other)))
        .toEqual({ status: 403, code: 'SUBJECT_PROOF_INVALID' });
      // A credential signed by a member without the role does not hold.
      const clerk = await memberWith(['staff']);
      const forged = await clerk.account.subjectCredential(subject, citizen.publicKey, 1_000);
      expect(await get(`/v1/usage/${subject}`, await usageProof(client,
        { suite, key: citizen, credential: forged.credential }, subject)))
        .toEqual({ status: 403, code: 'SUBJECT_PROOF_INVALID' });
      // Staff may not read without a credential; a data-authority member (auditor) may.
      expect(await get(`/v1/usage/${subject}`, await usageProof(client,
        { suite, key: clerk.key, credential: null }, subject)))
        .toEqual({ status: 403, code: 'SUBJECT_PROOF_INVALID' });
      const auditor = await memberWith(['data-authority']);
      expect(await usage(client, subject, { suite, key: auditor.key, credential: null }))
        .toMatchObject({ subject, items: [] });
    });
  });
}
