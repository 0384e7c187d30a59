/**
 * The handlers' configuration from the environment: the backfill settings a joining region reads.
 */
import { describe, expect, it } from 'vitest';
import { readRegionConfig } from '../../../../shared/config/env.ts';

const base = { MESH_REGION: 'ap-northeast-1', MESH_TABLE: 't', MESH_PEERS: 'us-east-1,eu-west-1' };

describe('readRegionConfig: backfill', () => {
  it('reads the peers to backfill from and the rate cap', () => {
    const cfg = readRegionConfig({ ...base, MESH_BACKFILL_FROM: 'eu-west-1, us-east-1', MESH_BACKFILL_RATE: '500' });
    expect(cfg.backfillFrom).toEqual(['eu-west-1', 'us-east-1']);
    expect(cfg.backfillRate).toBe(500);
  });

  it('leaves both out when unset or empty', () => {
    const cfg = readRegionConfig({ ...base, MESH_BACKFILL_FROM: '', MESH_BACKFILL_RATE: '' });
    expect(cfg.backfillFrom).toBeUndefined();
    expect(cfg.backfillRate).toBeUndefined();
  });

  it('refuses a source that is not a peer and a rate that is not a positive integer', () => {
    expect(() => readRegionConfig({ ...base, MESH_BACKFILL_FROM: 'mars-north-1' })).toThrow(/MESH_BACKFILL_FROM: mars-north-1 is not one of MESH_PEERS \(us-east-1, eu-west-1\)/);
    for (const rate of ['0', '-5', '1.5', 'fast']) expect(() => readRegionConfig({ ...base, MESH_BACKFILL_RATE: rate })).toThrow(/MESH_BACKFILL_RATE must be a positive integer/);
  });
});
