import { describe, expect, it } from 'vitest';
import { parseArgs, parseValue, UsageError } from '../../../cli/args.ts';

describe('parseValue', () => {
  it('reads strict JSON', () => {
    expect(parseValue('42', false)).toBe(42);
    expect(parseValue('"42"', false)).toBe('42');
    expect(parseValue('{"a":[1,true,null]}', false)).toEqual({ a: [1, true, null] });
  });

  it('refuses what is not JSON, naming --text, instead of storing it as a string', () => {
    expect(() => parseValue('{"a":1, b:2}', false)).toThrow(UsageError);
    expect(() => parseValue('{"a":1, b:2}', false)).toThrow(/VALUE is not valid JSON \(.*\): fix it, or pass --text to store it as text$/);
    expect(() => parseValue('blue', false)).toThrow(/quote a string as '"blue"'/);
  });

  it('takes the text as it is with --text', () => {
    expect(parseValue('{"a":1, b:2}', true)).toBe('{"a":1, b:2}');
    expect(parseValue('42', true)).toBe('42');
  });
});

describe('parseArgs', () => {
  it('parses each command with its arguments', () => {
    const cmd = (...argv: string[]) => parseArgs(argv, {}).command;
    expect(cmd('put', 'colour', '{"shade":"blue"}')).toEqual({ name: 'put', key: 'colour', value: { shade: 'blue' } });
    expect(cmd('put', 'note', 'plain words', '--text')).toEqual({ name: 'put', key: 'note', value: 'plain words' });
    expect(cmd('get', 'colour')).toEqual({ name: 'get', key: 'colour' });
    expect(cmd('delete', 'colour')).toEqual({ name: 'delete', key: 'colour' });
    expect(cmd('history', 'colour')).toEqual({ name: 'history', key: 'colour' });
    expect(cmd('conflicts')).toEqual({ name: 'conflicts' });
    expect(cmd('resolve', 'colour', '"green"')).toEqual({ name: 'resolve', key: 'colour', value: 'green' });
    expect(cmd('resolve', 'colour', 'green', '--text', '--heads', 'a, b')).toEqual({ name: 'resolve', key: 'colour', value: 'green', heads: ['a', 'b'] });
    expect(cmd('deposit', 'alice', '100')).toEqual({ name: 'deposit', account: 'alice', amount: 100 });
    expect(cmd('withdraw', 'alice', '30')).toEqual({ name: 'withdraw', account: 'alice', amount: 30 });
    expect(cmd('balance', 'alice')).toEqual({ name: 'balance', account: 'alice' });
    expect(cmd('statement', 'alice')).toEqual({ name: 'statement', account: 'alice' });
    expect(cmd('event', 'abc')).toEqual({ name: 'event', id: 'abc' });
    expect(cmd('status')).toEqual({ name: 'status' });
    expect(cmd('partition', 'us-east-1', 'eu-west-1', '--both')).toEqual({ name: 'partition', from: 'us-east-1', to: 'eu-west-1', both: true });
    expect(cmd('heal', 'us-east-1', 'eu-west-1')).toEqual({ name: 'heal', from: 'us-east-1', to: 'eu-west-1', both: false });
    expect(cmd('heal', '--all')).toEqual({ name: 'heal-all' });
    expect(cmd('gui', '--url', 'eu-west-1=https://x.example', '--url', 'https://y.example', '--listen', '4100')).toEqual({
      name: 'gui',
      urls: ['eu-west-1=https://x.example', 'https://y.example'],
      listen: 4100,
    });
    expect(cmd()).toEqual({ name: 'help' });
    expect(cmd('get', 'x', '--help')).toEqual({ name: 'help' });
  });

  it('aims at --url, else --port, else $MESH_URL, else $MESH_PORT, else the local mesh on 3001', () => {
    const target = (argv: string[], env: Record<string, string> = {}) => parseArgs(argv, env).target;
    expect(target(['status'])).toEqual({ base: 'http://127.0.0.1:3001', from: 'default' });
    expect(target(['status', '--port', '4001'])).toEqual({ base: 'http://127.0.0.1:4001', from: 'port' });
    expect(target(['status'], { MESH_PORT: '5001' })).toEqual({ base: 'http://127.0.0.1:5001', from: 'env-port' });
    expect(target(['status'], { MESH_URL: 'http://h:9/', MESH_PORT: '5001' })).toEqual({ base: 'http://h:9', from: 'env-url' });
    expect(target(['status', '--port', '4001'], { MESH_URL: 'http://h:9' })).toEqual({ base: 'http://127.0.0.1:4001', from: 'port' });
    expect(target(['status', '--url', 'http://u:1'], { MESH_URL: 'http://h:9' })).toEqual({ base: 'http://u:1', from: 'url' });
  });

  it('keeps --region as the region to talk to, whatever gave the base URL', () => {
    expect(parseArgs(['--region', 'eu-west-1', 'status'], {}).target).toEqual({ base: 'http://127.0.0.1:3001', from: 'default', region: 'eu-west-1' });
    expect(parseArgs(['status', '--region', 'eu-west-1'], { MESH_URL: 'http://h:9' }).target).toEqual({ base: 'http://h:9', from: 'env-url', region: 'eu-west-1' });
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
      ['put', 'k', '{"a":1, b:2}'],
      ['get', 'a', 'b'],
      ['get', 'a', '--text'],
      ['statement'],
      ['statement', 'alice', 'bob'],
      ['deposit', 'alice', '-5'],
      ['deposit', 'alice', '1.5'],
      ['withdraw', 'alice', '0'],
      ['deposit', 'alice', '99999999999999999999'],
      ['status', '--frobnicate'],
      ['status', '--timeout', 'soon'],
      ['status', '--port', 'x'],
      ['status', '--port', '70000'],
      ['status', '--port', '0'],
      ['status', '--port', '4001', '--url', 'http://h:1'],
      ['status', '--url', 'http://a:1', '--url', 'http://b:2'],
      ['status', '--url', 'ftp://h'],
      ['gui', '--url', 'x=notaurl'],
    ];
    for (const argv of bad) expect(() => parseArgs(argv, {}), argv.join(' ')).toThrow(UsageError);
    expect(() => parseArgs(['status'], { MESH_URL: 'not a url' })).toThrow(/MESH_URL must be a URL/);
  });
});
