/**
 * What an AWS endpoint's host name says about it, with no AWS SDK import, so the CLI can check a
 * URL's region before it decides whether to load the signer at all.
 *
 * @example
 * ```ts
 * import { regionFromUrl } from './aws-host.ts';
 * regionFromUrl('https://abc.execute-api.eu-west-1.amazonaws.com/prod'); // 'eu-west-1'
 * ```
 */

/**
 * The region in an API Gateway (or other regional AWS) host name, or undefined for a custom domain.
 *
 * @example
 * ```ts
 * regionFromUrl('https://abc.execute-api.ap-southeast-2.amazonaws.com/prod'); // 'ap-southeast-2'
 * ```
 */
export function regionFromUrl(url: string): string | undefined {
  const host = new URL(url).hostname;
  return /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}
