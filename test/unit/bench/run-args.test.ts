import { describe, expect, it } from 'vitest';
import { BENCHMARKS, parseBenchArgs } from '../../../bench/run.ts';

describe('parseBenchArgs', () => {
  it('defaults to every benchmark, medians of 3 full runs, up to 100 000-event histories', () => {
    // Act
    const args = parseBenchArgs([]);

    // Assess
    expect(args).toMatchObject({ only: [], runs: 3, quick: false, maxHistory: 100_000, outDir: 'bench-results', help: false, list: false });
    expect(args.maxTable).toBeUndefined();
  });

  it('takes the benchmarks to run, the run count, the history cap and the output folder', () => {
    // Act
    const args = parseBenchArgs(['--only', 'counts, lag', '--runs', '1', '--quick', '--max-history', '10000', '--out', '/tmp/x']);

    // Assess
    expect(args).toMatchObject({ only: ['counts', 'lag'], runs: 1, quick: true, maxHistory: 10_000, outDir: '/tmp/x' });
    expect(parseBenchArgs(['--max-table', '100000'])).toMatchObject({ maxHistory: 100_000, maxTable: 100_000 });
  });

  it('refuses an unknown benchmark, naming the known ones, and malformed counts', () => {
    // Act + Assess
    expect(() => parseBenchArgs(['--only', 'nope'])).toThrow(/unknown benchmark nope \(known: counts, /);
    expect(() => parseBenchArgs(['--runs', '0'])).toThrow(/--runs must be a positive integer/);
    expect(() => parseBenchArgs(['--runs'])).toThrow(/--runs needs a value/);
    expect(() => parseBenchArgs(['--max-history', '1.5'])).toThrow(/--max-history/);
    expect(() => parseBenchArgs(['--max-table', '0'])).toThrow(/--max-table must be a positive integer/);
    expect(() => parseBenchArgs(['--bogus'])).toThrow(/unknown argument --bogus/);
  });

  it('knows every benchmark by a distinct name', () => {
    // Act
    const names = BENCHMARKS.map((b) => b.name);

    // Assess
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['counts', 'throughput', 'drain', 'lag', 'lag-per-region', 'read-cost', 'convergence', 'checker', 'seed']);
  });
});
