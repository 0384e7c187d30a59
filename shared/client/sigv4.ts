/**
 * SigV4 signing for API Gateway IAM auth (service `execute-api`), with the caller's AWS
 * credentials from the default provider chain (env, profile, SSO, IMDS…). Kept apart from the
 * client so the AWS SDK loads only when a deployed region is called.
 *
 * @example
 * ```ts
 * import { MeshClient } from './mesh-client.ts';
 * import { createSigV4Signer } from './sigv4.ts';
 * const url = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
 * const client = new MeshClient({ baseUrl: url, signer: createSigV4Signer() });
 * await client.status();
 * ```
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import { memoize } from '../util/memoize.ts';
import { regionFromUrl } from './aws-host.ts';
import type { RequestSigner, SignableRequest } from './signer.ts';

// Kept importable from here, where it always was.
export { regionFromUrl };

/** Options of {@link createSigV4Signer}. */
export interface SigV4SignerOptions {
  /** Signing region; default: parsed from an `execute-api.{region}.amazonaws.com` host. */
  readonly region?: string;
  /** Default `execute-api`. */
  readonly service?: string;
  /** Default: `fromNodeProviderChain()` (the AWS CLI's usual resolution order). */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/**
 * A {@link RequestSigner} adding `authorization`, `x-amz-date`, `x-amz-content-sha256` (and
 * `x-amz-security-token` for temporary credentials).
 *
 * @example
 * ```ts
 * const signer = createSigV4Signer({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
 * const headers = await signer.sign({ method: 'GET', url: 'https://api.example.com/status', headers: {} });
 * ```
 */
export function createSigV4Signer(options: SigV4SignerOptions = {}): RequestSigner {
  const service = options.service ?? 'execute-api';
  const credentials = options.credentials ?? fromNodeProviderChain();
  const signerFor = memoize((region: string) => new SignatureV4({ service, region, credentials, sha256: Sha256 }));

  return {
    async sign(request: SignableRequest): Promise<Record<string, string>> {
      const url = new URL(request.url);
      const region = options.region ?? regionFromUrl(request.url);
      if (!region) {
        throw new Error(`cannot tell the AWS region of ${url.host}: give it explicitly (--region or the signer's region option)`);
      }
      const query: Record<string, string | string[]> = {};
      for (const [name, value] of url.searchParams) {
        const prior = query[name];
        query[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
      }
      const toSign: HttpRequest = {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        // `host` must be signed; fetch sends exactly this value.
        headers: { ...request.headers, host: url.host },
        body: request.body,
      };
      const signed = await signerFor(region).sign(toSign);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(signed.headers)) {
        // fetch forbids setting `host` itself; it sends the same value.
        if (name.toLowerCase() !== 'host') headers[name] = String(value);
      }
      return headers;
    },
  };
}
