import { describe, expect, it } from 'vitest';
import { parseArgs, parseValue, UsageError } from '../../../cli/args.ts';

describe('parseValue', () => {
  it('reads JSON and falls back to the raw string', () => {
    expect(parseValue('42')).toBe(42);
    expect(parseValue('"42"')).toBe('42');
    expect(parseValue('{"a":[1,true,null]}')).toEqual({ a: [1, true, null] });
    expect(parseValue('blue')).toBe('blue');
    expect(parseValue('{not json')).toBe('{not json');
  });
});

describe('parseArgs', () => {
  it('parses each command with its arguments', () => {
    const cmd = (...argv: string[]) => parseArgs(argv, {}).command;
    expect(cmd('put', 'colour', '{"shade":"blue"}')).toEqual({ name: 'put', key: 'colour', value: { shade: 'blue' } });
    expect(cmd('get', 'colour')).toEqual({ name: 'get', key: 'colour' });
    expect(cmd('delete', 'colour')).toEqual({ name: 'delete', key: 'colour' });
    expect(cmd('history', 'colour')).toEqual({ name: 'history', key: 'colour' });
    expect(cmd('conflicts')).toEqual({ name: 'conflicts' });
    expect(cmd('resolve', 'colour', 'green')).toEqual({ name: 'resolve', key: 'colour', value: 'green' });
    expect(cmd('resolve', 'colour', 'green', '--heads', 'a, b')).toEqual({ name: 'resolve', key: 'colour', value: 'green', heads: ['a', 'b'] });
    expect(cmd('deposit', 'alice', '100')).toEqual({ name: 'deposit', account: 'alice', amount: 100 });
    expect(cmd('withdraw', 'alice', '30')).toEqual({ name: 'withdraw', account: 'alice', amount: 30 });
    expect(cmd('balance', 'alice')).toEqual({ name: 'balance', account: 'alice' });
    expect(cmd('statement', 'alice')).toEqual({ name: 'statement', account: 'alice' });
    expect(cmd('event', 'abc')).toEqual({ name: 'event', id: 'abc' });
    expect(cmd('status')).toEqual({ name: 'status' });
    expect(cmd('partition', 'us-east-1', 'eu-west-1', '--both')).toEqual({ name: 'partition', from: 'us-east-1', to: 'eu-west-1', both: true });
    expect(cmd('heal', 'us-east-1', 'eu-west-1')).toEqual({ name: 'heal', from: 'us-east-1', to: 'eu-west-1', both: false });
    expect(cmd('heal', '--all')).toEqual({ name: 'heal-all' });
    expect(cmd()).toEqual({ name: 'help' });
    expect(cmd('get', 'x', '--help')).toEqual({ name: 'help' });
  });

  it('picks the URL from --url, then $MESH_URL, then --region, then the default', () => {
    expect(parseArgs(['status'], {}).url).toBe('http://127.0.0.1:3001');
    expect(parseArgs(['status', '--region', 'ap-southeast-2'], {}).url).toBe('http://127.0.0.1:3003');
    expect(parseArgs(['--region', 'eu-west-1', 'status'], {}).url).toBe('http://127.0.0.1:3002');
    expect(parseArgs(['status'], { MESH_URL: 'http://h:9' }).url).toBe('http://h:9');
    expect(parseArgs(['status', '--url', 'http://u:1'], { MESH_URL: 'http://h:9' }).url).toBe('http://u:1');
  });

  it('treats --region with an explicit URL as the signing region', () => {
    const invocation = parseArgs(['status', '--url', 'https://mesh.example.com', '--region', 'eu-west-1', '--sigv4'], {});
    expect(invocation).toMatchObject({ url: 'https://mesh.example.com', signingRegion: 'eu-west-1', sigv4: true });
  });

  it('reads --json, --sigv4, MESH_SIGV4 and --timeout', () => {
    expect(parseArgs(['status'], {})).toMatchObject({ json: false, sigv4: false, timeoutMs: 10_000 });
    expect(parseArgs(['status', '--json', '--timeout', '500'], { MESH_SIGV4: '1' })).toMatchObject({ json: true, sigv4: true, timeoutMs: 500 });
  });

  it('refuses mistakes with a UsageError', () => {
    const bad = [
      ['frob'],
      ['get'],
      ['put', 'k'],
      ['get', 'a', 'b'],
      ['statement'],
      ['statement', 'alice', 'bob'],
      ['deposit', 'alice', '-5'],
      ['deposit', 'alice', '1.5'],
      ['withdraw', 'alice', '0'],
      ['deposit', 'alice', '99999999999999999999'],
      ['status', '--region', 'mars-north-1'],
      ['status', '--frobnicate'],
      ['status', '--timeout', 'soon'],
    ];
    for (const argv of bad) expect(() => parseArgs(argv, {}), argv.join(' ')).toThrow(UsageError);
  });
});
