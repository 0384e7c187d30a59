/**
 * A small HTTP helper for tests that drive a running mesh (local cloud or AWS): JSON requests
 * against a region's API (wait with `until` of `shared/util/until.ts`).
 *
 * @example
 * ```ts
 * import { call } from '../../support/mesh-http.ts';
 * import { until } from '../../../shared/util/until.ts';
 * const put = await call(url, 'PUT', '/kv/colour', { value: 'blue' });
 * await until('eu-west-1 has it', async () => (await call(other, 'GET', '/kv/colour')).status === 200);
 * ```
 */

export interface Reply {
  readonly status: number;
  // Tests read arbitrary fields of the answer.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** One request; a body that is a string is sent as is (to send malformed JSON), else as JSON. */
export async function call(base: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}
