/**
 * `npm run jepsen -- --workload register|bank --time 60 --nemesis partition|none|isolate|split|one-way|flap
 *  --concurrency 8 --out jepsen-runs/<timestamp> [--urls us-east-1=http://…,eu-west-1=http://…] [--sign]`
 *
 * Without `--urls` it starts the local cloud (startMesh on free ports, DynamoDB Local included)
 * and stops it at the end. With `--urls` it runs against those regions; `--sign` signs requests
 * with SigV4 (API Gateway IAM auth, credentials from the default AWS chain; implied for
 * `execute-api` URLs). Prints the verdicts and the report path. Exit code 0 when every promise of
 * the mesh held (linearizability invalid is expected and does not fail the run), 1 otherwise,
 * 2 on bad arguments.
 *
 * @example
 * ```sh
 * npm run jepsen -- --workload register --time 30 --nemesis partition
 * npm run jepsen -- --workload bank --urls us-east-1=https://abc.execute-api.us-east-1.amazonaws.com,eu-west-1=https://def.execute-api.eu-west-1.amazonaws.com
 * ```
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { RequestSigner } from '../shared/client/signer.ts';
import type { NemesisMode } from './nemesis.ts';
import { NEMESIS_MODES, healAll } from './nemesis.ts';
import { JepsenClient } from './client.ts';
import { runJepsen } from './runner.ts';
import { writeRun } from './output.ts';
import { validityLabel } from './checkers/verdict.ts';

export interface CliArgs {
  readonly workload: 'register' | 'bank';
  readonly timeS: number;
  readonly nemesis: NemesisMode;
  readonly concurrency: number;
  readonly out: string;
  readonly urls: Array<{ region: string; url: string }> | undefined;
  readonly sign: boolean;
  readonly timeoutMs: number;
  readonly quietS: number;
  readonly keys: number;
  readonly seed: number | undefined;
}

const USAGE = `usage: npm run jepsen -- [--workload register|bank] [--time SECONDS] [--nemesis ${NEMESIS_MODES.join('|')}]
  [--concurrency N] [--out DIR] [--urls region=url,...] [--sign] [--timeout MS] [--quiet SECONDS] [--keys N] [--seed N]`;

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
      workload: { type: 'string', default: 'register' }, time: { type: 'string', default: '60' },
      nemesis: { type: 'string', default: 'partition' }, concurrency: { type: 'string', default: '8' },
      out: { type: 'string' }, urls: { type: 'string' }, sign: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '5000' }, quiet: { type: 'string', default: '5' }, keys: { type: 'string', default: '3' },
      seed: { type: 'string' }, help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(USAGE);
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}\n${USAGE}`);
    return n;
  };
  if (values.workload !== 'register' && values.workload !== 'bank') throw new Error(`--workload must be register or bank\n${USAGE}`);
  if (!NEMESIS_MODES.includes(values.nemesis as NemesisMode)) throw new Error(`--nemesis must be one of ${NEMESIS_MODES.join(', ')}\n${USAGE}`);
  const urls = values.urls?.split(',').filter((s) => s.trim() !== '').map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--urls entries are region=url, got ${pair}\n${USAGE}`);
    return { region: pair.slice(0, at).trim(), url: pair.slice(at + 1).trim() };
  });
  return {
    workload: values.workload, timeS: num('time', values.time, 1), nemesis: values.nemesis as NemesisMode,
    concurrency: Math.floor(num('concurrency', values.concurrency, 1)),
    out: values.out ?? `jepsen-runs/${now.toISOString().replace(/[:.]/g, '-')}-${values.workload}`,
    urls, sign: values.sign || (urls ?? []).some((u) => u.url.includes('.execute-api.')),
    timeoutMs: num('timeout', values.timeout, 1), quietS: num('quiet', values.quiet, 0), keys: Math.floor(num('keys', values.keys, 1)),
    seed: values.seed === undefined ? undefined : num('seed', values.seed, 0),
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
  let stop = async (): Promise<void> => {};
  let endpoints = args.urls;
  if (endpoints === undefined) {
    console.log('starting the local cloud (DynamoDB Local, SQS, three regions)…');
    const { startMesh } = await import('../local/cloud.ts');
    const mesh = await startMesh({ basePort: 0, meshName: `jepsen${Date.now().toString(36)}` });
    endpoints = mesh.regions.map((r) => ({ region: r.region, url: r.url }));
    stop = () => mesh.stop();
  }
  // An interrupted run must not leave a deployed mesh partitioned: heal every link first.
  const links = endpoints.map((e) => new JepsenClient({ ...e, timeoutMs: 10_000, ...(signer ? { signer } : {}) }));
  process.once('SIGINT', () => {
    console.error('\ninterrupted: healing every link…');
    void healAll(links).then(stop).finally(() => process.exit(130));
  });
  try {
    const run = await runJepsen({
      workload: args.workload, timeS: args.timeS, nemesis: args.nemesis, concurrency: args.concurrency, endpoints,
      timeoutMs: args.timeoutMs, quietS: args.quietS, keys: args.keys, ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(signer ? { signer } : {}), log: (line) => console.log(line),
    });
    const files = await writeRun(args.out, run);
    console.log('');
    for (const v of run.verdicts) {
      const judgement = v.breach ? 'PROMISE BROKEN' : v.asExpected ? 'as designed' : 'not observed in this run';
      console.log(`${v.checker.padEnd(13)} ${validityLabel(v.valid).padEnd(8)} (${judgement}) ${v.explanation}`);
    }
    const lin = run.verdicts.find((v) => v.checker === 'linearizable')?.details as { counterexample?: { text: string } } | undefined;
    if (lin?.counterexample) console.log(`\n${lin.counterexample.text}`);
    console.log(`\n${run.ok ? 'Every promise held.' : 'A promise was broken.'} Report: ${files.report}`);
    return run.ok ? 0 : 1;
  } finally {
    await stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then((code) => { process.exitCode = code; }, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
