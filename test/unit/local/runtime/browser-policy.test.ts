/**
 * The local gateways' browser policy as a pure decision: which origins and Host names get an
 * answer, and with which CORS headers.
 */
import { describe, expect, it } from 'vitest';
import { BrowserPolicy, loopbackAliases } from '../../../../local/runtime/browser-policy.ts';

describe('loopbackAliases', () => {
  it('names the same port on every loopback host, and nothing else for other hosts', () => {
    expect(loopbackAliases('http://127.0.0.1:3001')).toEqual(['http://127.0.0.1:3001', 'http://localhost:3001', 'http://[::1]:3001']);
    expect(loopbackAliases('http://localhost:3002/ui/')).toEqual(['http://127.0.0.1:3002', 'http://localhost:3002', 'http://[::1]:3002']);
    expect(loopbackAliases('http://10.0.0.5:3001')).toEqual(['http://10.0.0.5:3001']);
    expect(loopbackAliases('null')).toEqual([]);
  });
});

describe('BrowserPolicy', () => {
  const policy = new BrowserPolicy({ hostname: '127.0.0.1', port: 3001, origins: () => ['http://127.0.0.1:3002'] });

  it('answers requests without Origin (CLI, SDKs) with no CORS headers', () => {
    expect(policy.judge({ origin: undefined, host: '127.0.0.1:3001', preflight: false })).toEqual({ allowed: true, headers: {} });
  });

  it('echoes an allowed origin, never *, with Vary, and the preflight headers on a preflight', () => {
    // Act
    const own = policy.judge({ origin: 'http://localhost:3001', host: '127.0.0.1:3001', preflight: false });
    const peer = policy.judge({ origin: 'http://[::1]:3002', host: 'localhost:3001', preflight: true });

    // Assess
    expect(own).toEqual({ allowed: true, headers: { 'access-control-allow-origin': 'http://localhost:3001', vary: 'origin', 'access-control-expose-headers': 'apigw-requestid,retry-after' } });
    expect(peer).toMatchObject({ allowed: true, headers: { 'access-control-allow-origin': 'http://[::1]:3002', vary: 'origin', 'access-control-allow-methods': expect.stringContaining('PUT') } });
  });

  it.each(['https://evil.example', 'http://127.0.0.1:3003', 'https://127.0.0.1:3001', 'null', ''])('refuses the origin %j with 403', (origin) => {
    expect(policy.judge({ origin, host: '127.0.0.1:3001', preflight: false })).toMatchObject({ allowed: false, status: 403, code: 'forbidden-origin' });
  });

  it.each(['evil.example:3001', '127.0.0.1:3002', '127.0.0.1', 'LOCALHOST:3001x'])('refuses the Host %j on a loopback gateway', (host) => {
    expect(policy.judge({ origin: undefined, host, preflight: false })).toMatchObject({ allowed: false, status: 403, code: 'forbidden-host' });
  });

  it('takes Host names case-insensitively, and does not check Host on a wildcard address', () => {
    // Prepare
    const wildcard = new BrowserPolicy({ hostname: '0.0.0.0', port: 3001 });

    // Act
    const upper = policy.judge({ origin: undefined, host: 'LOCALHOST:3001', preflight: false });
    const any = wildcard.judge({ origin: undefined, host: 'my-laptop.lan:3001', preflight: false });

    // Assess
    expect(upper.allowed).toBe(true);
    expect(any.allowed).toBe(true);
  });

  it('reads the allowed origins on every request, so ports known later count', () => {
    // Prepare
    const later: string[] = [];
    const p = new BrowserPolicy({ hostname: '127.0.0.1', port: 1, origins: () => later });
    const before = p.judge({ origin: 'http://127.0.0.1:2', host: '127.0.0.1:1', preflight: true }).allowed;

    // Act
    later.push('http://127.0.0.1:2');

    // Assess
    expect(before).toBe(false);
    expect(p.judge({ origin: 'http://127.0.0.1:2', host: '127.0.0.1:1', preflight: true }).allowed).toBe(true);
  });
});
