/**
 * How quickly escrow rights follow demand after a heal: a two-region local mesh, an escrow
 * account whose rights are all in us-east-1, eu-west-1 cut off and refused a withdrawal (its
 * rights request stays in its region), then the heal: the time until eu-west-1 can withdraw again.
 * The rights take three steps to arrive — the request replicates to us-east-1, that region's
 * scheduled rebalancer sends a transfer, the transfer replicates back — so the baseline, measured
 * in the same run, is the time until a plain write made in eu-west-1 during the cut reaches
 * us-east-1 (one hop after the heal). Medians of several rounds; the rebalancer runs on the local
 * scheduler every `--tick` ms (AWS: every minute, so add up to a minute there).
 *
 * ```bash
 * npx tsx bench/escrow-refill.ts --rounds 5 --tick 1000
 * ```
 *
 * @example
 * ```ts
 * import { runEscrowRefill } from './escrow-refill.ts';
 * const r = await runEscrowRefill({ rounds: 3, tickMs: 1000 });
 * r.refill.p50; // ms until the spender could withdraw again
 * ```
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startMesh } from '../local/cloud.ts';
import { MeshClient } from '../shared/client/mesh-client.ts';
import { MeshHttpError } from '../shared/client/errors.ts';
import { formatMs, formatRatio, ratio, summarize } from './stats.ts';
import type { Summary } from './stats.ts';

const [A, B] = ['us-east-1', 'eu-west-1'] as const;

export interface RefillResult {
  readonly rounds: number;
  readonly tickMs: number;
  /** ms from the heal until eu-west-1's withdrawal is accepted. */
  readonly refill: Summary;
  /** ms from the heal until a plain write made in eu-west-1 during the cut is in us-east-1. */
  readonly baseline: Summary;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 20 ms until it is true (at most `limitMs`); the ms it took from `since`. */
async function timeUntil(since: number, check: () => Promise<boolean>, limitMs = 120_000): Promise<number> {
  while (Date.now() - since < limitMs) {
    if (await check()) return Date.now() - since;
    await sleep(20);
  }
  throw new Error(`not within ${limitMs} ms`);
}

export async function runEscrowRefill(options: { readonly rounds: number; readonly tickMs: number }): Promise<RefillResult> {
  const mesh = await startMesh({ regions: [A, B], basePort: 0, meshName: `benchrefill${Date.now().toString(36)}`, repairIntervalMs: 0, rebalanceIntervalMs: options.tickMs, handlerLogLevel: 'SILENT' });
  try {
    const url = (r: string) => mesh.regions.find((x) => x.region === r)?.url ?? '';
    const a = new MeshClient({ baseUrl: url(A), timeoutMs: 30_000 });
    const b = new MeshClient({ baseUrl: url(B), timeoutMs: 30_000 });
    const refill: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < options.rounds; i++) {
      const account = `refill-${Date.now().toString(36)}-${i}`;
      // Prepare: every right in A, B cut off from A both ways (so A's rebalancer cannot spread them either).
      await mesh.links.setLink(A, B, false);
      await mesh.links.setLink(B, A, false);
      await a.createAccount(account, 'escrow');
      await a.deposit(account, 1000);
      await b.createAccount(account, 'escrow');
      const refused = await b.withdraw(account, 100).then(() => false, (e: unknown) => e instanceof MeshHttpError && e.code === 'insufficient-rights');
      if (!refused) throw new Error('the cut-off spender was not refused: the bench measures nothing');
      const marker = `refill-marker-${i}`;
      const put = await b.put(marker, i);
      // Act: heal, then B retries its withdrawal until it passes.
      await mesh.links.setLink(A, B, true);
      await mesh.links.setLink(B, A, true);
      const healed = Date.now();
      const [r, base] = await Promise.all([
        timeUntil(healed, () => b.withdraw(account, 100).then(() => true, (e: unknown) => {
          if (e instanceof MeshHttpError && e.code === 'insufficient-rights') return false;
          throw e;
        })),
        timeUntil(healed, () => a.event(put.event.id).then(() => true, () => false)),
      ]);
      refill.push(r);
      baseline.push(base);
    }
    return { rounds: options.rounds, tickMs: options.tickMs, refill: summarize(refill), baseline: summarize(baseline) };
  } finally {
    await mesh.stop();
  }
}

/** The figure as the docs print it. @example formatEscrowRefill(result); */
export function formatEscrowRefill(r: RefillResult): string {
  return [
    `escrow refill after a heal (2 regions, rebalancer every ${r.tickMs} ms, ${r.rounds} rounds)`,
    `  spender can withdraw again: median ${formatMs(r.refill.p50)} (min ${formatMs(r.refill.min)}, max ${formatMs(r.refill.max)})`,
    `  baseline, one replication hop after the heal: median ${formatMs(r.baseline.p50)}`,
    `  ratio refill / hop: ${formatRatio(ratio(r.refill.p50, r.baseline.p50))}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, tick: { type: 'string', default: '1000' } } });
  runEscrowRefill({ rounds: Number(values.rounds), tickMs: Number(values.tick) }).then((r) => {
    console.log(formatEscrowRefill(r));
    console.log(JSON.stringify(r));
  }, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
