// Member management for an agency's administrator: the agency's members with their roles,
// status and validity heights; registering a member by public key (typed, or read from the
// public part of their keystore file — the encrypted private key is never opened), suspending,
// reinstating and revoking members, and moving a member to a new key. Each change is an identity
// contract transaction signed in this page; the list applies the contract's events as they are
// committed (by anyone's portal or CLI), re-reading only the member an event names.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fromHex, toHex } from '../../../src/core/index.js';
import type { CborValue } from '../../../src/core/index.js';
import {
  getSuite, identityCall, member as queryMember, members as queryMembers, receiptResult,
} from '../../../src/sdk/index.js';
import { EmptyState, TableFrame } from '../components.js';
import { ErrorNote } from '../errors.js';
import { useLoad } from '../hooks.js';
import { eventField, eventHex, useContractEvents } from '../live.js';
import '../network.css';
import { client, shortHex } from '../node.js';
import type { Session } from '../session.js';

/** Roles the form offers as boxes; any other role of the contract's form may be typed. */
const offeredRoles = ['staff', 'auditor', 'operator', 'admin', 'validator-operator',
  'data-authority', 'exchange'];
const rolePattern = /^[a-z][a-z0-9-]{1,31}$/;
const rolesPerMemberMax = 16;
const officialIdBytesMax = 64;
const keystoreBytesMax = 64 * 1024;

export interface MemberRecordView {
  readonly address: string;
  readonly roles: readonly string[];
  readonly status: string;
  readonly validFrom: number | null;
  readonly validUntil: number | null;
  readonly officialId: string | null;
  readonly registeredHeight: number | null;
  readonly root: boolean;
}

type CborRecord = Record<string, CborValue>;

function heightOrNull(value: CborValue | undefined): number | null {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;
}

function memberRecordView(value: CborRecord): MemberRecordView {
  return {
    address: value.address instanceof Uint8Array ? toHex(value.address) : String(value.address),
    roles: Array.isArray(value.roles) ? value.roles.map(String) : [],
    status: String(value.status), validFrom: heightOrNull(value.validFrom),
    validUntil: heightOrNull(value.validUntil),
    officialId: typeof value.officialId === 'string' ? value.officialId : null,
    registeredHeight: heightOrNull(value.registeredHeight), root: value.root === true,
  };
}

async function loadMembers(agency: string): Promise<MemberRecordView[]> {
  const list = await queryMembers(client, agency);
  return (Array.isArray(list) ? list : [])
    .filter((item): item is CborRecord => item !== null && typeof item === 'object')
    .map(memberRecordView);
}

async function loadOne(address: string): Promise<MemberRecordView | null> {
  const found = await queryMember(client, address);
  return found === null || typeof found !== 'object' ? null
    : memberRecordView(found as CborRecord);
}

/** A public key from hex text, or from the `publicKey` field of a keystore file's JSON. */
export function publicKeyFromKeystore(text: string): string | null {
  try {
    const parsed: unknown = JSON.parse(text);
    const key = parsed !== null && typeof parsed === 'object'
      ? (parsed as { publicKey?: unknown }).publicKey : undefined;
    return typeof key === 'string' && /^[0-9a-fA-F]+$/.test(key) ? key.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** The field errors of the register form, as i18n keys with their values. */
export function registerErrors(input: { publicKey: string; roles: readonly string[];
  officialId: string; validFrom: string; validUntil: string }, keyBytes: number):
  Record<string, [string, Record<string, number>?]> {
  const errors: Record<string, [string, Record<string, number>?]> = {};
  const key = input.publicKey.trim().replace(/^0x/i, '');
  if (key === '') errors.publicKey = ['members.errors.keyRequired'];
  else if (!/^[0-9a-fA-F]*$/.test(key) || key.length !== keyBytes * 2) {
    errors.publicKey = ['members.errors.keyLength', { bytes: keyBytes, digits: keyBytes * 2 }];
  }
  if (input.roles.length === 0) errors.roles = ['members.errors.rolesRequired'];
  else if (input.roles.length > rolesPerMemberMax) {
    errors.roles = ['members.errors.rolesMax', { max: rolesPerMemberMax }];
  } else if (input.roles.some((role) => !rolePattern.test(role))) {
    errors.roles = ['members.errors.roleForm'];
  }
  if (new TextEncoder().encode(input.officialId.trim()).length > officialIdBytesMax) {
    errors.officialId = ['errors.tooLong', { bytes: officialIdBytesMax }];
  }
  const from = input.validFrom.trim();
  const until = input.validUntil.trim();
  if (from !== '' && !/^\d{1,15}$/.test(from)) errors.validFrom = ['members.errors.height'];
  if (until !== '' && !/^\d{1,15}$/.test(until)) errors.validUntil = ['members.errors.height'];
  else if (until !== '' && from !== '' && Number(until) < Number(from)) {
    errors.validUntil = ['members.errors.untilBeforeFrom'];
  }
  return errors;
}

function FieldError({ error, testId }: { error: [string, Record<string, number>?] | undefined;
  testId: string }) {
  const { t } = useTranslation();
  if (error === undefined) return null;
  return <span className="field-error" data-testid={testId}>{t(error[0], error[1] ?? {})}</span>;
}

function RegisterForm({ session, keyBytes }: { session: Session; keyBytes: number }) {
  const { t } = useTranslation();
  const [publicKey, setPublicKey] = useState('');
  const [roles, setRoles] = useState<readonly string[]>(['staff']);
  const [customRoles, setCustomRoles] = useState('');
  const [officialId, setOfficialId] = useState('');
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [fieldErrors, setFieldErrors] = useState<ReturnType<typeof registerErrors>>({});
  const [error, setError] = useState<unknown>(null);
  const [working, setWorking] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const allRoles = [...new Set([...roles, ...customRoles.split(/[,，\s]+/)
    .map((role) => role.trim()).filter((role) => role !== '')])];
  const readKeystore = async (file: File | undefined) => {
    if (file === undefined) return;
    const key = file.size > keystoreBytesMax ? null : publicKeyFromKeystore(await file.text());
    if (key === null) setFieldErrors({ publicKey: ['members.errors.notKeystore'] });
    else { setPublicKey(key); setFieldErrors({}); }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    const found = registerErrors({ publicKey, roles: allRoles, officialId, validFrom,
      validUntil }, keyBytes);
    setFieldErrors(found);
    if (Object.keys(found).length > 0) return;
    setWorking(true);
    try {
      const result = receiptResult(await identityCall(session.account, 'registerMember', {
        publicKey: fromHex(publicKey.trim().replace(/^0x/i, ''), 'public key'), roles: allRoles,
        ...(officialId.trim() === '' ? {} : { officialId: officialId.trim() }),
        ...(validFrom.trim() === '' ? {} : { validFrom: Number(validFrom) }),
        ...(validUntil.trim() === '' ? {} : { validUntil: Number(validUntil) }) }));
      setDone(memberRecordView(result as CborRecord).address);
      setPublicKey('');
      setOfficialId('');
    } catch (caught) {
      session.account.resync();
      setError(caught);
    } finally {
      setWorking(false);
    }
  };
  return (
    <form className="form register-form" onSubmit={(e) => void submit(e)}
      data-testid="register-form" noValidate>
      <h3>{t('members.register')}</h3>
      <label className="field">
        <span>{t('members.publicKey')}</span>
        <input className="mono" value={publicKey} data-testid="member-key"
          placeholder={t('members.publicKeyHint', { digits: keyBytes * 2 })}
          onChange={(e) => setPublicKey(e.target.value)} />
        <FieldError error={fieldErrors.publicKey} testId="member-error-publicKey" />
      </label>
      <label className="field">
        <span>{t('members.orKeystore')}</span>
        <input type="file" accept=".key,.json,application/json" data-testid="member-keystore"
          onChange={(e) => void readKeystore(e.target.files?.[0])} />
      </label>
      <fieldset className="choices">
        <legend>{t('members.roles')}</legend>
        {offeredRoles.map((role) => (
          <label key={role} className="check"><input type="checkbox" checked={roles.includes(role)}
            data-testid={`member-role-${role}`} onChange={(e) => setRoles((previous) =>
              (e.target.checked ? [...previous, role] : previous.filter((r) => r !== role)))} />
          {t(`roles.${role}`, { defaultValue: role })}</label>))}
        <input value={customRoles} placeholder={t('members.customRoles')} aria-label={
          t('members.customRoles')} data-testid="member-custom-roles"
          onChange={(e) => setCustomRoles(e.target.value)} />
        <FieldError error={fieldErrors.roles} testId="member-error-roles" />
      </fieldset>
      <div className="form-grid even">
        <label className="field">
          <span>{t('members.officialId')}</span>
          <input value={officialId} data-testid="member-official"
            onChange={(e) => setOfficialId(e.target.value)} />
          <FieldError error={fieldErrors.officialId} testId="member-error-officialId" />
        </label>
        <div className="form-grid even">
          <label className="field">
            <span>{t('members.validFrom')}</span>
            <input value={validFrom} inputMode="numeric" placeholder={t('members.now')}
              data-testid="member-valid-from" onChange={(e) => setValidFrom(e.target.value)} />
            <FieldError error={fieldErrors.validFrom} testId="member-error-validFrom" />
          </label>
          <label className="field">
            <span>{t('members.validUntil')}</span>
            <input value={validUntil} inputMode="numeric" placeholder={t('members.noEnd')}
              data-testid="member-valid-until" onChange={(e) => setValidUntil(e.target.value)} />
            <FieldError error={fieldErrors.validUntil} testId="member-error-validUntil" />
          </label>
        </div>
      </div>
      {error !== null && <ErrorNote error={error} testId="register-error" />}
      {done !== null && <p className="success-note" data-testid="register-done">
        {t('members.registered')} <span className="mono">{done}</span></p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={working} data-testid="member-submit">
          {working ? t('governance.signing') : t('members.registerSubmit')}</button>
      </div>
    </form>
  );
}

type Action = 'suspendMember' | 'reinstateMember' | 'revokeMember' | 'rotateMemberKey';

function MemberActions({ member, session, keyBytes }: { member: MemberRecordView;
  session: Session; keyBytes: number }) {
  const { t } = useTranslation();
  // An admin who suspended or revoked their own key would lock themselves out mid-session.
  const self = member.address === session.address;
  const [confirming, setConfirming] = useState<'revoke' | 'rotate' | null>(null);
  const [newKey, setNewKey] = useState('');
  const [working, setWorking] = useState<Action | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [keyError, setKeyError] = useState(false);
  if (self) return <span className="tag" data-testid="member-self">{t('members.self')}</span>;
  if (member.root || member.status === 'revoked') return null;
  const run = async (method: Action, args: CborValue) => {
    setWorking(method);
    setError(null);
    try {
      receiptResult(await identityCall(session.account, method, args));
      setConfirming(null);
    } catch (caught) {
      session.account.resync();
      setError(caught);
    } finally {
      setWorking(null);
    }
  };
  const address = { address: fromHex(member.address, 'address') };
  const rotate = () => {
    const key = newKey.trim().replace(/^0x/i, '');
    const bad = !/^[0-9a-fA-F]*$/.test(key) || key.length !== keyBytes * 2;
    setKeyError(bad);
    if (!bad) void run('rotateMemberKey', { ...address, newPublicKey: fromHex(key, 'key') });
  };
  const busy = working !== null;
  return (
    <div className="member-actions">
      {member.status === 'active' && (
        <button type="button" className="small-button" disabled={busy}
          data-testid="member-suspend" onClick={() => void run('suspendMember', address)}>
          {working === 'suspendMember' ? t('governance.signing') : t('members.suspend')}</button>)}
      {member.status === 'suspended' && (
        <button type="button" className="small-button" disabled={busy}
          data-testid="member-reinstate" onClick={() => void run('reinstateMember', address)}>
          {working === 'reinstateMember' ? t('governance.signing') : t('members.reinstate')}
        </button>)}
      {confirming === null && <>
        <button type="button" className="small-button" disabled={busy}
          data-testid="member-rotate" onClick={() => setConfirming('rotate')}>
          {t('members.rotate')}</button>
        <button type="button" className="small-button no" disabled={busy}
          data-testid="member-revoke" onClick={() => setConfirming('revoke')}>
          {t('members.revoke')}</button>
      </>}
      {confirming === 'revoke' && (
        <span className="confirm">{t('members.revokeConfirm')}
          <button type="button" className="small-button no" disabled={busy}
            data-testid="member-revoke-confirm"
            onClick={() => void run('revokeMember', address)}>
            {working === 'revokeMember' ? t('governance.signing') : t('members.revoke')}</button>
          <button type="button" className="small-button link" onClick={() => setConfirming(null)}>
            {t('members.keep')}</button>
        </span>)}
      {confirming === 'rotate' && (
        <span className="confirm">
          <input className="mono" value={newKey} placeholder={t('members.newKey')}
            aria-label={t('members.newKey')} data-testid="member-new-key"
            onChange={(e) => setNewKey(e.target.value)} />
          <button type="button" className="small-button" disabled={busy}
            data-testid="member-rotate-confirm" onClick={rotate}>
            {working === 'rotateMemberKey' ? t('governance.signing') : t('members.rotateSubmit')}
          </button>
          <button type="button" className="small-button link" onClick={() => setConfirming(null)}>
            {t('members.keep')}</button>
          {keyError && <span className="field-error">{t('members.errors.keyLength',
            { bytes: keyBytes, digits: keyBytes * 2 })}</span>}
        </span>)}
      {error !== null && <ErrorNote error={error} testId="member-action-error" />}
    </div>
  );
}

function useMembers(agency: string): { list: readonly MemberRecordView[] | undefined;
  error: unknown } {
  const loaded = useLoad(() => loadMembers(agency), `members-${agency}`);
  const [list, setList] = useState<readonly MemberRecordView[] | undefined>(undefined);
  useEffect(() => { if (loaded.value !== undefined) setList(loaded.value); }, [loaded.value]);
  const upsert = (address: string) => {
    loadOne(address).then((found) => setList((previous) => {
      const rest = (previous ?? []).filter((m) => m.address !== address);
      // Revoked members leave the agency's list, as they leave the contract's index.
      return found === null || found.status === 'revoked' ? rest : [...rest, found];
    })).catch(() => { /* The list catches up on the next event or visit. */ });
  };
  useContractEvents('identity', (event) => {
    if (eventField(event, 'agency') !== agency) return;
    upsert(eventHex(eventField(event, 'address')));
    if (event.name === 'MemberKeyRotated') upsert(eventHex(eventField(event, 'newAddress')));
  });
  return { list, error: loaded.error };
}

export function MemberManagement({ session }: { session: Session }) {
  const { t } = useTranslation();
  const agency = session.member?.agency ?? '';
  const { list, error } = useMembers(agency);
  const suite = useLoad(async () => getSuite((await client.status()).suite).publicKeyBytes,
    'key-bytes');
  const keyBytes = suite.value ?? 32;
  const sorted = [...(list ?? [])].sort((a, b) =>
    (a.registeredHeight ?? 0) - (b.registeredHeight ?? 0) || a.address.localeCompare(b.address));
  return (
    <section className="card" data-testid="members">
      <h2>{t('members.title')} ({sorted.length})</h2>
      <p className="muted small">{t('members.hint')}</p>
      {error !== undefined && <ErrorNote error={error} />}
      {list === undefined && error === undefined && <p className="muted">{t('common.loading')}</p>}
      {list !== undefined && sorted.length === 0 && (
        <EmptyState testId="members-empty" text={t('members.empty')} />)}
      {sorted.length > 0 && (
        <TableFrame>
          <table className="stack" data-testid="member-list">
            <thead><tr><th>{t('network.address')}</th><th>{t('members.officialId')}</th>
              <th>{t('members.roles')}</th><th>{t('governance.status')}</th>
              <th>{t('members.validity')}</th><th>{t('members.actions')}</th></tr></thead>
            <tbody>
              {sorted.map((m) => (
                <tr key={m.address} data-member={m.address} data-status={m.status}>
                  <td data-label={t('network.address')}><a className="mono" title={m.address}
                    href={`#/explorer/address/${m.address}`}>{shortHex(m.address, 8)}</a></td>
                  <td data-label={t('members.officialId')}>{m.officialId ?? '—'}</td>
                  <td data-label={t('members.roles')}>{m.roles.map((role) => (
                    <span key={role} className="tag">{t(`roles.${role}`,
                      { defaultValue: role })}</span>))}</td>
                  <td data-label={t('governance.status')}><span className={`tag status-${m.status}`}
                    data-testid="member-status">{t(`status.${m.status}`,
                      { defaultValue: m.status })}</span></td>
                  <td data-label={t('members.validityShort')}>{t('members.heights', {
                    from: m.validFrom ?? '—', until: m.validUntil ?? t('members.noEnd') })}</td>
                  <td data-label={t('members.actions')}>
                    <MemberActions member={m} session={session} keyBytes={keyBytes} /></td>
                </tr>))}
            </tbody>
          </table>
        </TableFrame>)}
      <RegisterForm session={session} keyBytes={keyBytes} />
    </section>
  );
}
