/**
 * An API Gateway HTTP API (payload v2) event, as the api handler receives it: method, path with
 * an optional query string (split into `rawQueryString` and `queryStringParameters`), a JSON body
 * (a string is sent as it is), and overrides. One factory for every test that calls the handler.
 *
 * @example
 * ```ts
 * import { apiRequest } from '../../support/api-request.ts';
 * await api(apiRequest('PUT', '/kv/colour', { value: 'blue' }));
 * await api(apiRequest('GET', '/kv/colour/history?limit=10'));
 * ```
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export function apiRequest(method: string, path: string, body?: unknown, extra: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  const [rawPath = path, rawQueryString = ''] = path.split('?');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(rawQueryString === '' ? {} : { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) }),
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
    ...extra,
  };
}
