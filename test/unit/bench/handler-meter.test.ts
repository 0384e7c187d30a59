import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { HandlerMeter, diffHandlerSnapshots, handlerTotal } from '../../../bench/handler-meter.ts';

function record(messageId: string, body: unknown): SQSRecord {
  return { messageId, body: JSON.stringify(body) } as unknown as SQSRecord;
}

describe('HandlerMeter', () => {
  it('counts invocations, records and failures, and remembers only the events ingest stored', async () => {
    // Prepare
    const meter = new HandlerMeter();
    const ingest = meter.wrap.ingest('eu-west-1', async () => ({ batchItemFailures: [{ itemIdentifier: 'm2' }] }));
    const event = { Records: [record('m1', { id: 'e1' }), record('m2', { id: 'e2' }), record('m3', 'not an event')] } as SQSEvent;

    // Act
    await ingest(event);

    // Assess
    expect(meter.stats('eu-west-1', 'ingest')).toMatchObject({ invocations: 1, records: 3, failed: 1 });
    expect(meter.ingestedAt('eu-west-1', 'e1')).toBeTypeOf('number');
    expect(meter.ingestedAt('eu-west-1', 'e2')).toBeUndefined();
    await expect(meter.waitIngested(['e1'], ['eu-west-1'], 1000)).resolves.toBeUndefined();
    await expect(meter.waitIngested(['e1', 'e2'], ['eu-west-1'], 100)).rejects.toThrow(/timed out/);
  });

  it('counts every record of a batch that threw as failed, and rethrows', async () => {
    // Prepare
    const meter = new HandlerMeter();
    const replicator = meter.wrap.replicator('us-east-1', async () => {
      throw new Error('down');
    });

    // Act
    const done = replicator({ Records: [{}, {}] } as Parameters<typeof replicator>[0]);

    // Assess
    await expect(done).rejects.toThrow('down');
    expect(meter.stats('us-east-1', 'replicator')).toMatchObject({ invocations: 1, records: 2, failed: 2 });
    expect(meter.stats('us-east-1', 'replicator').billedMs).toBeGreaterThanOrEqual(meter.stats('us-east-1', 'replicator').busyMs);
  });

  it('diffs snapshots and sums a function over regions', async () => {
    // Prepare
    const meter = new HandlerMeter();
    const ok = async (): Promise<{ batchItemFailures: [] }> => ({ batchItemFailures: [] });
    const a = meter.wrap.ingest('a', ok);
    const b = meter.wrap.ingest('b', ok);
    await a({ Records: [record('m0', { id: 'x' })] } as SQSEvent);
    const before = meter.snapshot();

    // Act
    await a({ Records: [record('m1', { id: 'y' }), record('m2', { id: 'z' })] } as SQSEvent);
    await b({ Records: [record('m3', { id: 'y' })] } as SQSEvent);
    const spent = diffHandlerSnapshots(meter.snapshot(), before);

    // Assess
    expect(handlerTotal(spent, 'ingest')).toMatchObject({ invocations: 2, records: 3, failed: 0 });
    expect(handlerTotal(spent, 'ingest', ['a'])).toMatchObject({ invocations: 1, records: 2 });
    expect(handlerTotal(spent, 'replicator').invocations).toBe(0);
  });
});
