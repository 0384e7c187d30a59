/**
 * Finding 10 of issue 8, the short crash test: the whole local cloud (`npm start --data-dir`, its
 * process tree with DynamoDB Local's Java) killed with SIGKILL the moment a write is acknowledged
 * under concurrent load in two regions, then started again on the same files. Every acknowledged
 * write is still in the region that acknowledged it, and both regions converge. Before the commit
 * barrier (`local/durable-dynamodb.ts`) the write acknowledged last was lost in most runs.
 * `npm run crash -- --runs 11` runs the long version with three regions.
 */
import { describe, expect, it } from 'vitest';
import { crashRun } from '../../crash/crash-run.ts';

describe('kill -9 of the local cloud with --data-dir', () => {
  it('keeps every acknowledged write, and the regions converge after the restart', async () => {
    // Act
    const result = await crashRun({ regions: ['us-east-1', 'eu-west-1'], loadMs: 2000, minAcks: 20, writers: 3, seed: 8, log: (line) => console.log(`[crash] ${line}`) });

    // Assess
    expect(result.acknowledged).toBeGreaterThanOrEqual(20);
    expect(result.lost).toEqual([]);
    expect(result.converged).toBe(true);
    expect(result.notEverywhere).toEqual([]);
  }, 900_000);
});
