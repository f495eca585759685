// Agencies and governance: the member agencies with their nodes (and which of them validate),
// open and recent proposals with each agency's vote, the policy that decides them and their
// deadline height. A signed-in agency admin votes on open proposals and proposes changes, and
// manages their agency's members (Members.tsx); all are signed in this page. The page reloads
// as blocks with transactions arrive.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { receiptResult, vote } from '../../../src/sdk/index.js';
import type { StatusView } from '../../../src/sdk/index.js';
import { TableFrame } from '../components.js';
import { ErrorNote } from '../errors.js';
import { isActiveAdmin, loadAgencies, loadProposals } from '../governance.js';
import type { AgencyView, PolicyView, ProposalView } from '../governance.js';
import { useLoad, useNewBlocks } from '../hooks.js';
import { client, shortHex } from '../node.js';
import { useSession } from '../session.js';
import type { Session } from '../session.js';
import { MemberManagement } from './Members.js';
import { ProposeForm } from './ProposeForm.js';

const recentProposalsMax = 20;

interface Chain {
  readonly status: StatusView;
  readonly agencies: readonly AgencyView[];
  readonly proposals: readonly ProposalView[];
}

async function loadChain(): Promise<Chain> {
  const [status, agencies, proposals] = await Promise.all([client.status(), loadAgencies(),
    loadProposals()]);
  return { status, agencies, proposals };
}

function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`tag status-${status}`}>{t(`status.${status}`,
    { defaultValue: status })}</span>;
}

function AgencyTable({ chain }: { chain: Chain }) {
  const { t } = useTranslation();
  const power = new Map(chain.status.validators.map((v) => [v.publicKey, v.power]));
  if (chain.agencies.length === 0) return <p className="muted">{t('governance.noAgencies')}</p>;
  // On a phone the table reads as one labelled record per agency (data.css `table.stack`).
  return (
    <TableFrame>
      <table className="stack" data-testid="agencies">
        <thead><tr><th>{t('governance.agency')}</th><th>{t('governance.status')}</th>
          <th>{t('governance.weight')}</th><th>{t('governance.nodes')}</th>
          <th>{t('governance.addedHeight')}</th></tr></thead>
        <tbody>
          {chain.agencies.map((agency) => (
            <tr key={agency.id}>
              <td data-label={t('governance.agency')}><div>{agency.name}</div>
                <div className="muted mono small">{agency.id}</div></td>
              <td data-label={t('governance.status')}><StatusTag status={agency.status} /></td>
              <td data-label={t('governance.weight')}>{agency.weight}</td>
              <td data-label={t('governance.nodes')}>{agency.nodes.length === 0
                ? <span className="muted">{t('common.none')}</span>
                : agency.nodes.map((node) => {
                  const nodePower = power.get(node.publicKey);
                  return (<div key={node.publicKey}>{node.name} <span className="muted small">
                    {nodePower === undefined ? t('governance.fullNode')
                      : t('governance.validatorPower', { power: nodePower })}</span></div>);
                })}</td>
              <td data-label={t('governance.addedHeight')}>{agency.addedHeight}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

function PolicyText({ policy, names }: { policy: PolicyView; names: (id: string) => string }) {
  const { t } = useTranslation();
  const base = policy.type === 'N_OF' ? t('policy.N_OF', { n: policy.n })
    : policy.type === 'FRACTION' ? t('policy.FRACTION', policy)
      : policy.type === 'LIST' ? t(policy.all ? 'policy.LIST_ALL' : 'policy.LIST_ANY',
        { agencies: policy.agencies.map(names).join('、') })
        : t(`policy.${policy.type}`);
  return <>{base}{policy.weighted === true ? t('policy.weighted') : ''}</>;
}

function VoteTable({ proposal, agencies }: { proposal: ProposalView;
  agencies: readonly AgencyView[] }) {
  const { t } = useTranslation();
  const active = agencies.filter((a) => a.status === 'active').map((a) => a.id);
  // While open, every active agency may still vote; once closed, only the votes cast matter.
  const ids = [...new Set([...(proposal.status === 'open' ? active : []),
    ...Object.keys(proposal.votes)])];
  const name = (id: string) => agencies.find((a) => a.id === id)?.name ?? id;
  return (
    <table className="votes" data-testid="votes">
      <thead><tr><th>{t('governance.agency')}</th><th>{t('governance.vote')}</th>
        <th>{t('governance.voter')}</th><th>{t('common.height')}</th></tr></thead>
      <tbody>
        {ids.map((id) => {
          const cast = proposal.votes[id];
          return (
            <tr key={id} data-agency={id}>
              <td>{name(id)}{active.includes(id) ? ''
                : <span className="muted small"> {t('governance.notCounted')}</span>}</td>
              <td>{cast === undefined ? <span className="muted">{t('governance.notVoted')}</span>
                : cast.yes ? <span className="ok">✔ {t('governance.yes')}</span>
                  : <span className="bad">✘ {t('governance.no')}</span>}</td>
              <td className="mono">{cast === undefined ? '' : shortHex(cast.voter, 8)}</td>
              <td>{cast?.height ?? ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function VoteButtons({ proposal, session, onVoted }: { proposal: ProposalView;
  session: Session; onVoted: () => void }) {
  const { t } = useTranslation();
  const [working, setWorking] = useState<'yes' | 'no' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const agency = session.member?.agency ?? '';
  const current = proposal.votes[agency];
  const cast = async (choice: 'yes' | 'no') => {
    setWorking(choice);
    setError(null);
    try {
      receiptResult(await vote(session.account, proposal.id, choice));
      onVoted();
    } catch (caught) {
      session.account.resync();
      setError(caught);
    } finally {
      setWorking(null);
    }
  };
  return (
    <div className="vote-bar">
      <span className="muted">{current === undefined ? t('governance.youHaveNotVoted')
        : t(current.yes ? 'governance.youVotedYes' : 'governance.youVotedNo')}</span>
      <button type="button" className="yes" disabled={working !== null}
        data-testid="vote-yes" onClick={() => void cast('yes')}>
        {working === 'yes' ? t('governance.signing') : t('governance.voteYes')}</button>
      <button type="button" className="no" disabled={working !== null}
        data-testid="vote-no" onClick={() => void cast('no')}>
        {working === 'no' ? t('governance.signing') : t('governance.voteNo')}</button>
      {error !== null && <ErrorNote error={error} testId="vote-error" />}
    </div>
  );
}

function Outcome({ proposal }: { proposal: ProposalView }) {
  const { t } = useTranslation();
  if (proposal.executionError !== null) {
    return <span className="bad">{t('governance.executionFailed',
      { error: proposal.executionError })}</span>;
  }
  if (proposal.executedHeight !== null) {
    return <>{t('governance.executedAt', { height: proposal.executedHeight })}</>;
  }
  if (proposal.closedHeight !== null) {
    return <>{t('governance.closedAt', { height: proposal.closedHeight })}</>;
  }
  return null;
}

const payloadInlineCharsMax = 90;

/** A short payload inline; a long one (an agency's CA certificate) folded, shown on demand. */
function Payload({ payload }: { payload: ProposalView['payload'] }) {
  const inline = JSON.stringify(payload);
  if (inline.length <= payloadInlineCharsMax) return <code className="payload">{inline}</code>;
  return (
    <details className="payload-folded">
      <summary><code className="payload">{inline.slice(0, payloadInlineCharsMax)}…</code></summary>
      <pre className="mono">{JSON.stringify(payload, null, 2)}</pre>
    </details>
  );
}

function ProposalCard({ proposal, chain, session, onChanged }: { proposal: ProposalView;
  chain: Chain; session: Session | null; onChanged: () => void }) {
  const { t } = useTranslation();
  const names = (id: string) => chain.agencies.find((a) => a.id === id)?.name ?? id;
  const open = proposal.status === 'open';
  const left = Math.max(0, proposal.deadlineHeight - chain.status.height);
  const outcome = <Outcome proposal={proposal} />;
  return (
    <article className="proposal" data-testid="proposal" data-kind={proposal.kind}
      data-status={proposal.status}>
      <header>
        <h3>{t(`kinds.${proposal.kind}`, { defaultValue: proposal.kind })}
          <span className="muted mono small"> {proposal.kind}</span></h3>
        <StatusTag status={proposal.status} />
      </header>
      <dl>
        <dt>{t('governance.reason')}</dt><dd>{proposal.reason}</dd>
        <dt>{t('governance.legalBasis')}</dt><dd>{proposal.legalBasis}</dd>
        <dt>{t('governance.proposer')}</dt>
        <dd>{names(proposal.proposer)} · {t('governance.atHeight',
          { height: proposal.createdHeight })}</dd>
        <dt>{t('governance.policy')}</dt>
        <dd><PolicyText policy={proposal.policy} names={names} /></dd>
        <dt>{t('governance.deadline')}</dt>
        <dd>{open ? t('governance.deadlineOpen', { height: proposal.deadlineHeight, left })
          : proposal.deadlineHeight}</dd>
        {!open && <><dt>{t('governance.outcome')}</dt><dd>{outcome}</dd></>}
        <dt>{t('governance.payload')}</dt>
        <dd><Payload payload={proposal.payload} /></dd>
        <dt>{t('governance.id')}</dt><dd className="mono small">{proposal.id}</dd>
      </dl>
      <VoteTable proposal={proposal} agencies={chain.agencies} />
      {open && session !== null && isActiveAdmin(session.member) && (
        <VoteButtons proposal={proposal} session={session} onVoted={onChanged} />)}
    </article>
  );
}

function ProposalList({ proposals, chain, session, onChanged, empty, testId }: {
  proposals: readonly ProposalView[]; chain: Chain; session: Session | null;
  onChanged: () => void; empty: string; testId: string }) {
  if (proposals.length === 0) {
    return <p className="muted" data-testid={`${testId}-empty`}>{empty}</p>;
  }
  return (
    <div className="proposals" data-testid={testId}>
      {proposals.map((p) => <ProposalCard key={p.id} proposal={p} chain={chain}
        session={session} onChanged={onChanged} />)}
    </div>
  );
}

function SignInPrompt({ session }: { session: Session | null }) {
  const { t } = useTranslation();
  if (session === null) {
    return <p className="notice" data-testid="signin-prompt">{t('governance.signInToAct')}{' '}
      <a href="#/signin">{t('nav.signIn')}</a></p>;
  }
  return <p className="notice">{t('governance.adminsOnly')}</p>;
}

export function GovernancePage() {
  const { t } = useTranslation();
  const { session, refresh } = useSession();
  const chain = useLoad(loadChain, 'governance');
  useNewBlocks((_height, txCount) => { if (txCount > 0) chain.reload(); });
  const changed = () => { chain.reload(); void refresh(); };
  if (chain.value === undefined && chain.error !== undefined) {
    return <div className="card"><ErrorNote error={chain.error} /></div>;
  }
  if (chain.value === undefined) return <div className="card">{t('common.loading')}</div>;
  const value = chain.value;
  const open = value.proposals.filter((p) => p.status === 'open');
  const recent = value.proposals.filter((p) => p.status !== 'open').slice(0, recentProposalsMax);
  return (
    <div className="page" data-testid="governance-page">
      <section className="card">
        <h2>{t('governance.agencies')} ({value.agencies.length})</h2>
        <AgencyTable chain={value} />
      </section>
      <section className="card">
        <h2>{t('governance.open')} ({open.length})</h2>
        <ProposalList proposals={open} chain={value} session={session} onChanged={changed}
          empty={t('governance.noOpen')} testId="open-proposals" />
      </section>
      {session !== null && isActiveAdmin(session.member)
        ? <ProposeForm session={session} onProposed={changed} />
        : <SignInPrompt session={session} />}
      {session !== null && isActiveAdmin(session.member) && (
        <MemberManagement session={session} />)}
      <section className="card">
        <h2>{t('governance.recent')}</h2>
        <ProposalList proposals={recent} chain={value} session={session} onChanged={changed}
          empty={t('governance.noRecent')} testId="recent-proposals" />
      </section>
    </div>
  );
}
