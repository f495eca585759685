// Results of one benchmark run: figures (median, min, max of several runs), figures that could
// not be measured (with the reason, never a stand-in value), notes, CPU profiles, the targets of
// issue 8 judged MET or MISSED, and the machine and its load. Written as latest.json and latest.md.
import { cpus, loadavg } from 'node:os';
import { availableParallelism } from 'node:os';

export class Results {
  constructor(mode) {
    this.mode = mode;
    this.figures = {};
    this.missing = [];
    this.notes = [];
    this.profiles = [];
    this.startedAt = new Date().toISOString();
    this.loadBefore = loadavg();
  }

  /** A figure from the samples of several runs (after the warm-up). */
  add(name, samples, unit) {
    if (samples.length === 0 || samples.some((s) => !Number.isFinite(s))) {
      throw new Error(`figure ${name} has no valid samples`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[middle]
      : (sorted[middle - 1] + sorted[middle]) / 2;
    this.figures[name] = { median: round(median), min: round(sorted[0]),
      max: round(sorted[sorted.length - 1]), unit };
    this.missing = this.missing.filter((m) => m.name !== name);
  }

  /** A ratio of two figures: median over median, min over max, max over min. */
  ratio(name, numerator, denominator, unit) {
    const a = this.figures[numerator];
    const b = this.figures[denominator];
    if (a === undefined || b === undefined) {
      this.miss(name, `needs ${a === undefined ? numerator : denominator}`);
      return;
    }
    this.figures[name] = { median: round(a.median / b.median), min: round(a.min / b.max),
      max: round(a.max / b.min), unit };
    this.missing = this.missing.filter((m) => m.name !== name);
  }

  /**
   * Keeps an earlier run's results except those of `benchmarks` (by figure-name prefix), and
   * records that this run's figures were merged in at a later time on a possibly other load.
   */
  mergeFrom(earlier, benchmarks) {
    const owned = (name) => benchmarks.some((b) => name.startsWith(`${b}.`) ||
      (b === 'rss' && name.startsWith('node.')) || (b === 'peer' && name.startsWith('ratio.')) ||
      name.startsWith(`ratio.${b}.`));
    this.figures = Object.fromEntries(Object.entries(earlier.figures).filter(([n]) => !owned(n)));
    this.missing = earlier.missing.filter((m) => !owned(m.name));
    this.notes = (earlier.notes ?? []).filter((n) => !owned(n.split(/[: ]/)[0]) &&
      !benchmarks.includes(n.split(/[: ]/)[0]));
    this.profiles = benchmarks.includes('profile') ? [] : earlier.profiles ?? [];
    this.merges = [...(earlier.merges ?? []), { benchmarks, startedAt: this.startedAt,
      loadBefore: this.loadBefore.map(round) }];
    this.startedAt = earlier.startedAt;
    this.loadBefore = earlier.load.before;
  }

  miss(name, reason) {
    if (this.figures[name] !== undefined) return;
    this.missing = this.missing.filter((m) => m.name !== name);
    this.missing.push({ name, reason });
  }

  note(text) {
    this.notes.push(text);
  }

  toJson(targets) {
    // The run merged in now ends at this write: its load after is the load now.
    const merges = (this.merges ?? []).map((m, i, all) => (i === all.length - 1
      ? { ...m, loadAfter: loadavg().map(round) } : m));
    return {
      machine: machine(),
      mode: this.mode,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      load: { before: this.loadBefore.map(round), after: loadavg().map(round) },
      figures: this.figures,
      missing: this.missing,
      targets,
      notes: this.notes,
      profiles: this.profiles,
      merges,
    };
  }
}

export function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(),
    node: process.version };
}

function round(value) {
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(4));
}

/**
 * Zhengwu's targets from issue 8. While a real figure is absent, a proxy figure is judged and
 * named as such in the detail.
 */
export function judgeTargets(figures) {
  const pick = (...names) => names.find((n) => figures[n] !== undefined);
  const targets = [];
  const judge = (target, names, check) => {
    if (names.some((n) => n === undefined)) {
      targets.push({ target, status: 'NOT MEASURED', detail: 'inputs missing' });
      return;
    }
    const [met, detail] = check(...names.map((n) => figures[n].median));
    targets.push({ target, status: met ? 'MET' : 'MISSED', detail, figures: names });
  };
  const single = pick('single.transfer.tps', 'single.notary.tps');
  judge('one validator >= 60% of all-core Ed25519 verify rate',
    [single, 'limit.ed25519.verify.allCores'].map((n) => pick(n)),
    (tps, limit) => [tps >= 0.6 * limit, `${fmt(tps)} tx/s = ${pct(tps / limit)} of ${fmt(limit)}` +
      proxy(single)]);
  judge('one validator >= 3x Hardhat (same run)',
    [single, 'peer.hardhat.transfer.tps'].map((n) => pick(n)),
    (tps, hardhat) => [tps >= 3 * hardhat,
      `${fmt(tps)} / ${fmt(hardhat)} = ${(tps / hardhat).toFixed(2)}x` + proxy(single)]);
  const gm = pick('single.gm.transfer.tps', 'single.gm.notary.tps');
  judge('gm chain >= 50% of all-core SM2 verify rate',
    [gm, 'limit.sm2.verify.allCores'].map((n) => pick(n)),
    (tps, limit) => [tps >= 0.5 * limit, `${fmt(tps)} tx/s = ${pct(tps / limit)} of ${fmt(limit)}` +
      proxy(gm)]);
  const four = pick('four.transfer.tps', 'four.notary.tps');
  const fourP99 = four === undefined ? undefined : four.replace(/tps$/, 'p99Ms');
  judge('four validators >= 2,500 tx/s with p99 < 2 s', [four, fourP99].map((n) => pick(n)),
    (tps, p99) => [tps >= 2500 && p99 < 2000, `${fmt(tps)} tx/s, p99 ${fmt(p99)} ms` + proxy(four)]);
  const low = pick('scale.transfer.tps.keys1e4', 'scale.state.transfer.tps.keys1e4');
  // Both sizes from the same workload, so a token figure is never judged against a state one.
  const high = low === undefined ? undefined : pick(low.replace(/1e4$/, '1e7'));
  const scaleTarget = 'throughput at 10^7 keys within 30% of 10^4';
  judge(scaleTarget, [low, high].map((n) => pick(n)),
    (a, b) => [b >= 0.7 * a, `${fmt(b)} vs ${fmt(a)} tx/s = ${pct(b / a)}` + proxy(low)]);
  // Without 10^7 keys, say how the largest size that was measured compares (not a verdict).
  const family = low?.replace(/1e4$/, '');
  const largest = Object.keys(figures).filter((n) => family !== undefined && n.startsWith(family))
    .sort((a, b) => sizeOf(b) - sizeOf(a))[0];
  const last = targets.at(-1);
  if (last.status === 'NOT MEASURED' && low !== undefined && largest !== low) {
    const ratio = figures[largest].median / figures[low].median;
    last.detail = `10^7 keys not reached; at the largest size measured, ` +
      `${largest.replace(family, '')} keys: ${fmt(figures[largest].median)}` +
      ` vs ${fmt(figures[low].median)} tx/s = ${pct(ratio)} of 10^4` + proxy(low);
  }
  return targets;
}

function sizeOf(name) {
  return Number(name.replace(/^.*keys/, ''));
}

/** Observations that follow from the figures themselves, e.g. signs of a loaded machine. */
function derivedNotes(json) {
  const notes = [];
  for (const algorithm of ['ed25519', 'sm2']) {
    const one = json.figures[`limit.${algorithm}.verify.oneCore`];
    const all = json.figures[`limit.${algorithm}.verify.allCores`];
    if (one !== undefined && all !== undefined && all.median < 1.5 * one.median) {
      notes.push(`limit.${algorithm}: all ${json.machine.cores} cores gave only ` +
        `${(all.median / one.median).toFixed(2)}x one core, so other processes held the cores ` +
        'during this run; every fraction of the limit is relative to what was really available.');
    }
  }
  // A load average above the core count means other processes competed for the cores.
  const loaded = [{ what: 'the first run', before: json.load.before, after: json.load.after },
    ...(json.merges ?? []).map((m) => ({ what: `the run of ${m.benchmarks.join(', ')}`,
      before: m.loadBefore, after: m.loadAfter }))];
  for (const run of loaded) {
    const peak = Math.max(run.before[0], run.after?.[0] ?? 0);
    if (peak > json.machine.cores) {
      notes.push(`Measured under load: ${run.what} saw a 1-minute load average of up to ` +
        `${peak} on ${json.machine.cores} cores (other engineers' tests and benchmarks), so its ` +
        'figures are lower, and its latencies higher, than an idle machine gives.');
    }
  }
  return notes;
}

function proxy(name) {
  if (name.includes('notary')) return ' (notarization workload: no transfer figure measured)';
  if (name.startsWith('scale.state')) {
    return ' (state-layer transfer workload: no token-transfer figure measured)';
  }
  return '';
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : String(n));
const pct = (x) => `${(x * 100).toFixed(0)}%`;

export function table(json) {
  const rows = Object.entries(json.figures).map(([name, f]) =>
    [name, fmt(f.median), fmt(f.min), fmt(f.max), f.unit]);
  const header = ['figure', 'median', 'min', 'max', 'unit'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 || i === 4 ? String(c).padEnd(widths[i])
    : String(c).padStart(widths[i]))).join('  ');
  const out = [line(header), ...rows.map(line), ''];
  for (const t of json.targets) out.push(`${t.status.padEnd(12)} ${t.target}: ${t.detail}`);
  for (const m of json.missing) out.push(`missing      ${m.name}: ${m.reason}`);
  return out.join('\n');
}

export function markdown(json) {
  const out = ['# Zhengwu benchmark results', '',
    `Machine: ${json.machine.cpu}, ${json.machine.cores} cores, Node ${json.machine.node}. ` +
    `Mode: ${json.mode}. Run ${json.startedAt} to ${json.finishedAt}.`,
    `Load average (1, 5, 15 min) before: ${json.load.before.join(', ')}; after: ` +
    `${json.load.after.join(', ')} — the machine is shared, so a load above the core count ` +
    'means other work competed with the benchmark.', '',
    'Each figure is the median of several runs after a warm-up, with min and max. ' +
    'Regenerate with `npm run bench` (full) or `npm run bench -- --quick`.',
    ...(json.merges ?? []).map((m) => `Re-run and merged in later: ${m.benchmarks.join(', ')} ` +
      `at ${m.startedAt}, load average before ${m.loadBefore.join(', ')}.`), '',
    '## Targets (reported, never asserted)', '', '| target | status | detail |', '|---|---|---|',
    ...json.targets.map((t) => `| ${t.target} | **${t.status}** | ${t.detail} |`), '',
    '## Figures', '', '| figure | median | min | max | unit |', '|---|---:|---:|---:|---|',
    ...Object.entries(json.figures).map(([name, f]) =>
      `| \`${name}\` | ${fmt(f.median)} | ${fmt(f.min)} | ${fmt(f.max)} | ${f.unit} |`), ''];
  if (json.missing.length > 0) {
    out.push('## Not measured', '', ...json.missing.map((m) => `- \`${m.name}\`: ${m.reason}`), '');
  }
  for (const p of json.profiles) {
    out.push(`## Profile: ${p.title}`, '', verdict(p), '', p.summary, '',
      '| self % | self ms | function | where |',
      '|---:|---:|---|---|', ...p.top.map((f) =>
        `| ${f.percent.toFixed(1)} | ${Math.round(f.selfMs)} | \`${f.name}\` | ${f.where} |`), '');
  }
  const notes = [...derivedNotes(json), ...json.notes];
  if (notes.length > 0) out.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

/** Reads a profile: which side of the node is saturated, and where that side spends its time. */
export function verdict(profile) {
  if (profile.mainIdlePercent === undefined) return '';
  const mainBusy = 100 - profile.mainIdlePercent;
  const workers = profile.workerBusyPercent ?? [];
  const workerBusy = workers.length === 0 ? 0 : workers.reduce((a, b) => a + b, 0) / workers.length;
  const areas = (profile.byArea ?? []).slice(0, 4)
    .map((a) => `${a.area} ${a.percent.toFixed(0)}%`).join(', ');
  const functions = profile.top.slice(0, 5).map((f) => `\`${f.name}\``).join(', ');
  const where = `${areas === '' ? '' : `its self time goes to ${areas}; `}top functions ${functions}`;
  if (workerBusy >= 80) {
    return `**Bottleneck: signature verification** (worker threads ${workerBusy.toFixed(0)}% busy).`;
  }
  if (mainBusy >= 80) {
    return `**Bottleneck: the node's main thread** (${mainBusy.toFixed(0)}% busy; signature ` +
      `workers ${workerBusy.toFixed(0)}% busy): HTTP admission, gossip, consensus, block ` +
      `execution and storage share one event loop; ${where}.`;
  }
  return `**No thread of the node is saturated** (main ${mainBusy.toFixed(0)}% busy, signature ` +
    `workers ${workerBusy.toFixed(0)}%): the node waits on block pacing and consensus rounds, ` +
    `on fsync, or on a CPU held by other processes (clients, other nodes, other work on the ` +
    `machine); ${where}.`;
}
