import { describe, expect, it } from 'vitest';
import { pairOperations, parseJsonLines, restrictHistory, toJsonLines } from '../../jepsen/history.ts';
import { toEdn } from '../../jepsen/edn.ts';
import { Recorder } from '../../jepsen/recorder.ts';
import { HistoryBuilder } from './support/history-builder.ts';

const sample = (): ReturnType<HistoryBuilder['build']> => new HistoryBuilder()
  .invoke(0, 'write', 'k0', 1, 0, { region: 'us-east-1' }).ok(0, 1, 5, { eventId: 'abc' })
  .invoke(1, 'read', 'k0', null, 1, { region: 'eu-west-1' }).ok(1, null, 6)
  .nemesis('start', 'isolate us-east-1', 7)
  .invoke(1, 'withdraw', 'a0', 5, 8).fail(1, 9, 'insufficient-funds')
  .invoke(0, 'write', 'k0', 2, 10).build();

describe('history JSON lines', () => {
  it('round-trips', () => {
    // Prepare
    const h = sample();
    // Act
    const back = parseJsonLines(toJsonLines(h));
    // Assess
    expect(back).toEqual(h);
  });

  it('rejects a malformed line with its number', () => {
    expect(() => parseJsonLines('{"index":0,"type":"invoke","process":0,"f":"read","value":null,"time":0}\n{"index":1}')).toThrow(/line 2/);
  });
});

describe('pairOperations', () => {
  it('pairs invocations with completions; a missing completion is info with an unknown end', () => {
    // Act
    const ops = pairOperations(sample());
    // Assess
    expect(ops.map((o) => [o.f, o.outcome, o.end])).toEqual([
      ['write', 'ok', 5e6], ['read', 'ok', 6e6], ['withdraw', 'fail', 9e6], ['write', 'info', Infinity],
    ]);
  });

  it('refuses a process with two open invocations', () => {
    const h = new HistoryBuilder().invoke(0, 'read', 'k', null, 0).build();
    h.push({ ...h[0]!, index: 1 });
    expect(() => pairOperations(h)).toThrow(/while op 0 is open/);
  });
});

describe('restrictHistory', () => {
  it('keeps the chosen operations with their completions, re-indexed, and nothing else', () => {
    // Prepare: operations start at #0 (write), #2 (read), #5 (withdraw) and #7 (open write).
    const h = sample();
    // Act
    const sub = restrictHistory(h, [2, 7]);
    // Assess
    expect(sub.map((o) => [o.index, o.type, o.process, o.f, o.time])).toEqual([
      [0, 'invoke', 1, 'read', 1_000_000], [1, 'ok', 1, 'read', 6_000_000], [2, 'invoke', 0, 'write', 10_000_000],
    ]);
  });
});

describe('toEdn', () => {
  it('writes Jepsen independent tuples, nil for null, keyword errors and a nemesis process', () => {
    // Act
    const lines = toEdn(sample()).trim().split('\n');
    // Assess
    expect(lines[0]).toBe('{:index 0, :type :invoke, :f :write, :value ["k0" 1], :process 0, :time 0, :region "us-east-1"}');
    expect(lines[1]).toBe('{:index 1, :type :ok, :f :write, :value ["k0" 1], :process 0, :time 5000000, :region "us-east-1", :event-id "abc"}');
    expect(lines[3]).toBe('{:index 3, :type :ok, :f :read, :value ["k0" nil], :process 1, :time 6000000, :region "eu-west-1"}');
    expect(lines[4]).toBe('{:index 4, :type :info, :f :start, :value "isolate us-east-1", :process :nemesis, :time 7000000}');
    expect(lines[6]).toContain(':error :insufficient-funds');
  });
});

describe('Recorder', () => {
  it('stamps ops with ns since its start and consecutive indices', () => {
    // Prepare
    let t = 1000n;
    const rec = new Recorder(() => t);
    // Act
    t = 1500n;
    rec.invoke({ process: 0, f: 'read', key: 'k', value: null });
    t = 4000n;
    rec.complete('ok', { process: 0, f: 'read', key: 'k', value: 3 });
    // Assess
    expect(rec.history.map((o) => [o.index, o.type, o.time])).toEqual([[0, 'invoke', 500], [1, 'ok', 3000]]);
  });
});
