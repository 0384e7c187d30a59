import { describe, expect, it } from 'vitest';
import { parseCli } from '../../jepsen/cli.ts';

describe('parseCli', () => {
  it('has defaults for a local partition run', () => {
    const a = parseCli([], new Date('2026-11-26T07:30:00.000Z'));
    expect(a).toMatchObject({ workload: 'register', clients: 'bound', timeS: 60, nemesis: 'partition', concurrency: 8, urls: undefined, sign: false, timeoutMs: 5000, runs: undefined });
    expect(a.out).toBe('jepsen-runs/2026-11-26T07-30-00-000Z-register');
  });

  it('reads regions and URLs, and signs for API Gateway URLs', () => {
    const a = parseCli(['--workload', 'bank', '--urls', 'us-east-1=https://x.execute-api.us-east-1.amazonaws.com,eu-west-1=https://y.execute-api.eu-west-1.amazonaws.com/prod']);
    expect(a.urls).toEqual([
      { region: 'us-east-1', url: 'https://x.execute-api.us-east-1.amazonaws.com' },
      { region: 'eu-west-1', url: 'https://y.execute-api.eu-west-1.amazonaws.com/prod' },
    ]);
    expect(a.sign).toBe(true);
  });

  it('reads switching clients and a soak of N runs', () => {
    const a = parseCli(['--clients', 'switching', '--runs', '100', '--time', '20'], new Date('2026-11-26T07:30:00.000Z'));
    expect(a).toMatchObject({ clients: 'switching', runs: 100, timeS: 20, settleS: 30, out: 'jepsen-runs/2026-11-26T07-30-00-000Z-soak' });
    expect(parseCli(['--settle', '120']).settleS).toBe(120);
  });

  it.each([
    [['--clients', 'roaming']], [['--runs', '0']],
    [['--workload', 'queue']], [['--nemesis', 'chaos']], [['--time', '-1']], [['--urls', 'nourl']], [['--bogus']],
  ])('refuses %j', (argv) => {
    expect(() => parseCli(argv)).toThrow();
  });
});
