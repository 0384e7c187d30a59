/**
 * A fake AWS endpoint's check of Signature Version 4, written from the specification with
 * node:crypto alone (not with the SDK's signer, so a test of the signer against it is not the
 * signer checking itself): it rebuilds the canonical request from the request exactly as it
 * arrived — method, path, query, the signed headers, the body's hash — and compares signatures.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 *
 * @example
 * ```ts
 * import { verifySigV4 } from '../support/sigv4-verifier.ts';
 * const problem = verifySigV4({ method, rawUrl: req.url, headers: req.headers, body }, { accessKeyId: 'AKID', secretAccessKey: 's', region: 'eu-west-1', service: 'execute-api' });
 * if (problem) res.writeHead(403).end(JSON.stringify({ message: problem }));
 * ```
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The request as the server received it. */
export interface ReceivedRequest {
  readonly method: string;
  /** The request target as sent: path and query, still percent-encoded. */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the endpoint expects: the caller's secret, and its own region and service. */
export interface ExpectedSigner {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
  /** Largest accepted clock difference (default 5 minutes, as AWS). */
  readonly maxSkewMs?: number;
  readonly now?: () => number;
}

/**
 * Why the request's signature is not valid, or undefined when it is.
 *
 * @example
 * ```ts
 * verifySigV4(request, expected); // undefined, or e.g. 'signature does not match'
 * ```
 */
export function verifySigV4(request: ReceivedRequest, expected: ExpectedSigner): string | undefined {
  const header = (name: string): string | undefined => {
    const v = request.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const auth = header('authorization');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth ?? '');
  if (m === null) return `no SigV4 authorization header (${auth ?? 'none'})`;
  const [, keyId, day, region, service, signedList, signature] = m as unknown as [string, string, string, string, string, string, string];
  if (keyId !== expected.accessKeyId) return `unknown access key ${keyId}`;
  if (region !== expected.region) return `signed for region ${region}, this is ${expected.region}`;
  if (service !== expected.service) return `signed for service ${service}, this is ${expected.service}`;
  const amzDate = header('x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) return `bad x-amz-date ${amzDate ?? '(none)'}`;
  const when = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  if (Math.abs((expected.now ?? Date.now)() - when) > (expected.maxSkewMs ?? 300_000)) return 'request time too far from now';
  const signed = signedList.split(';');
  if (!signed.includes('host')) return 'host is not signed';
  if (signed.join(';') !== [...signed].sort().join(';')) return 'signed headers are not sorted';

  const bodyHash = sha256(request.body);
  const claimed = header('x-amz-content-sha256');
  if (claimed !== undefined && claimed !== bodyHash) return 'x-amz-content-sha256 does not match the body received';

  const [rawPath = '/', rawQuery = ''] = request.rawUrl.split(/\?(.*)/s);
  const canonicalUri = rawPath.split('/').map((segment) => rfc3986(segment)).join('/');
  const canonicalQuery = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const [k = '', v = ''] = p.split(/=(.*)/s);
      return [rfc3986(decode(k)), rfc3986(decode(v))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signed.map((name) => `${name}:${(header(name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [request.method.toUpperCase(), canonicalUri, canonicalQuery, canonicalHeaders, signedList, bodyHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${expected.secretAccessKey}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expectedSignature = hmac(key, stringToSign).toString('hex');
  if (!timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(signature))) return 'signature does not match';
  return undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function decode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, '%20'));
}

/** URI-encodes every byte except the unreserved characters A–Z a–z 0–9 - _ . ~ (SigV4's rule). */
function rfc3986(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}
