/**
 * `npm run jepsen -- --workload register|bank --clients bound|switching --time 60
 *  --nemesis partition|none|isolate|split|one-way|flap --concurrency 8 --out jepsen-runs/<timestamp>
 *  [--urls us-east-1=http://…,eu-west-1=http://…] [--sign] [--runs N]`
 *
 * Without `--urls` it starts the local cloud (startMesh on free ports, DynamoDB Local included)
 * and stops it at the end. With `--urls` it runs against those regions; `--sign` signs requests
 * with SigV4 (API Gateway IAM auth, credentials from the default AWS chain; implied for
 * `execute-api` URLs). Prints the verdicts and the report path. Exit code 0 when every promise of
 * the mesh held (linearizability invalid is expected and does not fail the run), 1 otherwise,
 * 2 on bad arguments. `--runs N` soaks instead: N randomized runs (see `soak.ts`), a local
 * cloud restarted empty every 10 of them, one summary (`soak.md`, `soak.json`); exit code 1 when
 * any run broke a promise.
 *
 * @example
 * ```sh
 * npm run jepsen -- --workload register --time 30 --nemesis partition
 * npm run jepsen -- --runs 100 --time 20 --seed 1
 * npm run jepsen -- --workload bank --urls us-east-1=https://abc.execute-api.us-east-1.amazonaws.com,eu-west-1=https://def.execute-api.eu-west-1.amazonaws.com
 * ```
 */
import type { WorkloadName } from './workloads/workload.ts';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { RequestSigner } from '../shared/client/signer.ts';
import type { NemesisMode } from './nemesis.ts';
import { NEMESIS_MODES, healAll } from './nemesis.ts';
import { JepsenClient } from './client.ts';
import type { ClientMode } from './runner.ts';
import { CLIENT_MODES, runJepsen } from './runner.ts';
import { writeRun } from './output.ts';
import type { SoakMesh } from './soak.ts';
import { runSoak, soakMarkdown } from './soak.ts';
import { join } from 'node:path';
import { validityLabel } from './checkers/verdict.ts';

export interface CliArgs {
  readonly workload: WorkloadName;
  readonly clients: ClientMode;
  readonly timeS: number;
  readonly nemesis: NemesisMode;
  readonly concurrency: number;
  readonly out: string;
  readonly urls: Array<{ region: string; url: string }> | undefined;
  readonly sign: boolean;
  readonly timeoutMs: number;
  readonly quietS: number;
  /** Seconds to keep re-reading while regions disagree after the quiet period. */
  readonly settleS: number;
  readonly keys: number;
  readonly seed: number | undefined;
  /** A soak of this many randomized runs instead of one run. */
  readonly runs: number | undefined;
}

const USAGE = `usage: npm run jepsen -- [--workload register|bank|escrow] [--clients ${CLIENT_MODES.join('|')}] [--time SECONDS] [--nemesis ${NEMESIS_MODES.join('|')}]
  [--concurrency N] [--out DIR] [--urls region=url,...] [--sign] [--timeout MS] [--quiet SECONDS] [--settle SECONDS] [--keys N] [--seed N]
  [--runs N]   a soak: N randomized runs (workload, clients, nemesis, seed, workers, keys drawn per run from --seed)`;

/**
 * Parse the command line (throws with the usage on a bad argument).
 *
 * @example
 * ```ts
 * parseCli(['--workload', 'bank', '--time', '20']).timeS; // 20
 * ```
 */
export function parseCli(argv: readonly string[], now = new Date()): CliArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      workload: { type: 'string', default: 'register' }, clients: { type: 'string', default: 'bound' }, time: { type: 'string', default: '60' },
      nemesis: { type: 'string', default: 'partition' }, concurrency: { type: 'string', default: '8' },
      out: { type: 'string' }, urls: { type: 'string' }, sign: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '5000' }, quiet: { type: 'string', default: '5' }, settle: { type: 'string', default: '30' }, keys: { type: 'string', default: '3' },
      seed: { type: 'string' }, runs: { type: 'string' }, help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}\n${USAGE}`);
    return n;
  };
  if (values.workload !== 'register' && values.workload !== 'bank' && values.workload !== 'escrow') throw new Error(`--workload must be register, bank or escrow\n${USAGE}`);
  if (!CLIENT_MODES.includes(values.clients as ClientMode)) throw new Error(`--clients must be one of ${CLIENT_MODES.join(', ')}\n${USAGE}`);
  if (!NEMESIS_MODES.includes(values.nemesis as NemesisMode)) throw new Error(`--nemesis must be one of ${NEMESIS_MODES.join(', ')}\n${USAGE}`);
  const urls = values.urls?.split(',').filter((s) => s.trim() !== '').map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--urls entries are region=url, got ${pair}\n${USAGE}`);
    return { region: pair.slice(0, at).trim(), url: pair.slice(at + 1).trim() };
  });
  return {
    workload: values.workload, clients: values.clients as ClientMode, timeS: num('time', values.time, 1), nemesis: values.nemesis as NemesisMode,
    concurrency: Math.floor(num('concurrency', values.concurrency, 1)),
    out: values.out ?? `jepsen-runs/${now.toISOString().replace(/[:.]/g, '-')}-${values.runs !== undefined ? 'soak' : values.workload}`,
    urls, sign: values.sign || (urls ?? []).some((u) => u.url.includes('.execute-api.')),
    timeoutMs: num('timeout', values.timeout, 1), quietS: num('quiet', values.quiet, 0), settleS: num('settle', values.settle, 0), keys: Math.floor(num('keys', values.keys, 1)),
    seed: values.seed === undefined ? undefined : num('seed', values.seed, 0),
    runs: values.runs === undefined ? undefined : Math.floor(num('runs', values.runs, 1)),
  };
}

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCli(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  let signer: RequestSigner | undefined;
  if (args.sign) signer = (await import('../shared/client/sigv4.ts')).createSigV4Signer();
  const urls = args.urls;
  // The regions to run against: the given ones, or a fresh local cloud (stopped by `stop`).
  const regions = async (): Promise<SoakMesh> => {
    if (urls !== undefined) return { endpoints: urls, stop: async () => {} };
    console.log('starting the local cloud (DynamoDB Local, SQS, three regions)…');
    const { startMesh } = await import('../local/cloud.ts');
    const mesh = await startMesh({ basePort: 0, meshName: `jepsen${Date.now().toString(36)}` });
    return { endpoints: mesh.regions.map((r) => ({ region: r.region, url: r.url })), stop: () => mesh.stop() };
  };
  // An interrupted run must not leave a deployed mesh partitioned: heal every link first.
  let current: SoakMesh | undefined;
  const tracked = async (): Promise<SoakMesh> => {
    const m = await regions();
    current = { endpoints: m.endpoints, stop: async () => { current = undefined; await m.stop(); } };
    return current;
  };
  process.once('SIGINT', () => {
    console.error('\ninterrupted: healing every link…');
    const m = current;
    const links = (m?.endpoints ?? []).map((e) => new JepsenClient({ ...e, timeoutMs: 10_000, ...(signer ? { signer } : {}) }));
    void healAll(links).then(() => m?.stop()).finally(() => process.exit(130));
  });
  const common = { timeoutMs: args.timeoutMs, quietS: args.quietS, settleS: args.settleS, ...(signer ? { signer } : {}) };

  if (args.runs !== undefined) {
    const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
    const summary = await runSoak({
      runs: args.runs, timeS: args.timeS, seed, out: args.out, mesh: tracked, run: common,
      // A local mesh restarts empty every 10 runs, so its in-memory tables stay small.
      ...(urls === undefined ? { freshEvery: 10 } : {}),
      command: `npm run jepsen -- --runs ${args.runs} --time ${args.timeS} --settle ${args.settleS} --seed ${seed}`, log: (line) => console.log(line),
    });
    console.log(`\n${soakMarkdown(summary).split('\n')[2]}\nSummary: ${join(args.out, 'soak.md')}`);
    return summary.brokenRuns === 0 ? 0 : 1;
  }

  const mesh = await tracked();
  try {
    const run = await runJepsen({
      ...common, workload: args.workload, clients: args.clients, timeS: args.timeS, nemesis: args.nemesis, concurrency: args.concurrency,
      endpoints: mesh.endpoints, keys: args.keys, ...(args.seed !== undefined ? { seed: args.seed } : {}), log: (line) => console.log(line),
    });
    const files = await writeRun(args.out, run);
    console.log('');
    for (const v of run.verdicts) {
      const judgement = v.breach ? 'PROMISE BROKEN' : v.asExpected ? 'as designed' : 'not observed in this run';
      console.log(`${v.checker.padEnd(20)} ${validityLabel(v.valid).padEnd(8)} (${judgement}) ${v.explanation}`);
    }
    const lin = run.verdicts.find((v) => v.checker === 'linearizable')?.details as { counterexample?: { text: string } } | undefined;
    if (lin?.counterexample) console.log(`\n${lin.counterexample.text}`);
    console.log(`\n${run.ok ? 'Every promise held.' : 'A promise was broken.'} Report: ${files.report}`);
    return run.ok ? 0 : 1;
  } finally {
    await mesh.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then((code) => { process.exitCode = code; }, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
