/**
 * The escrow commands of `mesh`, end to end through a region's real api handler on the memory
 * store (served by the local HTTP gateway): account create --escrow, deposit, withdraw (a 409
 * that names the rights), transfer, rights, rebalancing, balance and statement of either mode —
 * and the command-line rules for them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../../cli/args.ts';
import { runCli } from '../../../cli/run.ts';
import { makeApiHandler } from '../../../functions/api.ts';
import { startHttpGateway } from '../../../local/runtime/http-gateway.ts';
import type { HttpGateway } from '../../../local/runtime/http-gateway.ts';
import { MemoryEventStore } from '../../../shared/adapters/memory-event-store.ts';
import { MemoryLinkControl } from '../../../shared/adapters/memory-link-control.ts';
import { RegionService } from '../../../shared/app/region-service.ts';
import { BASE_WALL, ManualClock, escrowDeposit } from '../../support/factories.ts';

const REGION = 'eu-west-1';
const PEER = 'us-east-1';
const gateways: HttpGateway[] = [];

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.stop()));
});

async function region() {
  const clock = new ManualClock(BASE_WALL);
  const store = new MemoryEventStore({ region: REGION, clock });
  const service = new RegionService({ region: REGION, peers: [PEER], store, links: new MemoryLinkControl([REGION, PEER]), clock });
  const gateway = await startHttpGateway({ handler: makeApiHandler({ service }, { logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }) }), port: 0 });
  gateways.push(gateway);
  const mesh = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { env: { MESH_URL: gateway.url }, out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return { service, store, mesh };
}

describe('mesh escrow commands', () => {
  it('account create --escrow, deposit, transfer, rights: every region\'s rights in a table', async () => {
    // Prepare
    const { mesh } = await region();

    // Act
    const created = await mesh('account', 'create', 'alice', '--escrow');
    const again = await mesh('account', 'create', 'alice', '--escrow');
    const dep = await mesh('deposit', 'alice', '100');
    const moved = await mesh('transfer', 'alice', PEER, '40');
    const rights = await mesh('rights', 'alice');
    const json = await mesh('account', 'rights', 'alice', '--json');

    // Assess
    expect(created).toMatchObject({ code: 0 });
    expect(created.out).toMatch(/^opened escrow account alice/);
    expect(again.out).toContain('alice is already an escrow account in eu-west-1: nothing written');
    expect(dep.out).toMatch(/^escrow-deposit alice = 100 in eu-west-1/);
    expect(moved.code).toBe(0);
    expect(rights.out).toMatch(/^mode\s+escrow/m);
    expect(rights.out).toMatch(/^balance\s+100$/m);
    expect(rights.out).toMatch(/^eu-west-1 \*\s+60\s/m);
    expect(rights.out).toMatch(/^us-east-1\s+40\s/m);
    expect(JSON.parse(json.out)).toMatchObject({ mode: 'escrow', rights: { [REGION]: 60, [PEER]: 40 } });
  });

  it('withdraw past this region\'s rights exits 1 with the rights, the balance and where the rest is; rebalancing shows the request', async () => {
    // Prepare: 10 rights here, 90 in the peer.
    const { mesh, service } = await region();
    await mesh('account', 'create', 'alice', '--escrow');
    await mesh('deposit', 'alice', '10');
    await service.ingest(escrowDeposit('alice', 90, { origin: PEER, wall: BASE_WALL - 1000 }), { type: 'peer', peer: PEER });

    // Act
    const refused = await mesh('withdraw', 'alice', '50');
    const ok = await mesh('account', 'withdraw', 'alice', '10');
    const history = await mesh('rebalancing', 'alice');
    const statement = await mesh('statement', 'alice');

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/409 insufficient-rights: eu-west-1 holds rights to 10 of this escrow account's balance of 100 and cannot cover 50: the other 90 are held by other regions \(us-east-1: 90\)/);
    expect(ok.code).toBe(0);
    expect(history.out).toMatch(/^\S+\s+request\s+eu-west-1\s+wants \d+\s+applied\s/m);
    expect(statement.out).toMatch(/^alice \(escrow\): 5 events in eu-west-1, balance 90/);
    expect(statement.out).toMatch(/escrow-withdraw\s+10\s+applied\s+90\s+eu-west-1=0/);
  });

  it('the same commands on a plain account: balance and statement as before, create --escrow refused', async () => {
    // Prepare
    const { mesh } = await region();
    await mesh('deposit', 'bob', '50');

    // Act
    const balance = await mesh('balance', 'bob');
    const create = await mesh('account', 'create', 'bob');
    const toEscrow = await mesh('account', 'create', 'bob', '--escrow');
    const transfer = await mesh('transfer', 'bob', PEER, '5');

    // Assess
    expect(balance.out).toMatch(/^balance\s+50$/m);
    expect(balance.out).toContain('reversed decisions: none');
    expect(create.out).toContain('bob is a plain account: its first deposit creates it, so nothing was written (balance 50 in eu-west-1)');
    expect(toEscrow).toMatchObject({ code: 1 });
    expect(toEscrow.err).toMatch(/409 mode-mismatch/);
    expect(transfer.err).toMatch(/409 mode-mismatch/);
  });

  it('parses the escrow commands, and refuses bad ones as usage errors', () => {
    const cmd = (...argv: string[]) => parseArgs(argv, {}).command;
    expect(cmd('account', 'create', 'alice', '--escrow')).toEqual({ name: 'account-create', account: 'alice', mode: 'escrow' });
    expect(cmd('account', 'create', 'alice')).toEqual({ name: 'account-create', account: 'alice', mode: 'plain' });
    expect(cmd('deposit', 'alice', '5', '--escrow')).toEqual({ name: 'deposit', account: 'alice', amount: 5, mode: 'escrow' });
    expect(cmd('account', 'transfer', 'alice', PEER, '7')).toEqual({ name: 'transfer', account: 'alice', to: PEER, amount: 7 });
    expect(cmd('rights', 'alice')).toEqual({ name: 'rights', account: 'alice' });
    expect(cmd('account', 'rebalancing', 'alice')).toEqual({ name: 'rebalancing', account: 'alice' });
    for (const bad of [
      ['transfer', 'alice', PEER, '1.5'],
      ['transfer', 'alice', '5'],
      ['account', 'create'],
      ['account', 'open', 'alice'],
      ['put', 'k', '1', '--escrow'],
      ['rights'],
    ]) {
      expect(() => parseArgs(bad, {}), bad.join(' ')).toThrow(UsageError);
    }
  });
});
