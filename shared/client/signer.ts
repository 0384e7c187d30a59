/**
 * The seam between the HTTP client and request signing: the client asks a signer for extra
 * headers just before sending, so SigV4 (and its AWS SDK imports) loads only when used.
 *
 * @example
 * ```ts
 * import type { RequestSigner } from './signer.ts';
 * const bearer: RequestSigner = { sign: async () => ({ authorization: 'Bearer t0k3n' }) };
 * ```
 */

/** What a signer sees of a request: the final URL, method, headers and body bytes. */
export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Produces the headers to send with a request (the given ones plus the signature's). */
export interface RequestSigner {
  sign(request: SignableRequest): Promise<Record<string, string>>;
}
