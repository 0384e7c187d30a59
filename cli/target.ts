/**
 * Which URL a `mesh` invocation talks to once `--region` is taken into account. `--region R`
 * always means "talk to region R", never a silent no-op:
 * - an AWS regional host (`….execute-api.R.amazonaws.com`) must be R's, else it is refused;
 * - with `--sigv4` and a custom domain, R is the signing region (nothing to check it against);
 * - otherwise the base URL is asked for the local cloud's `/local/mesh` document, which lists every
 *   region's URL whatever the ports, and R's URL is taken from it; a region that does not list
 *   its mesh must itself be R (by `GET /status`), else it is refused.
 *
 * @example
 * ```ts
 * import { resolveTarget } from './target.ts';
 * await resolveTarget({ base: 'http://127.0.0.1:4001', from: 'port', region: 'eu-west-1' }, false, probe);
 * // { url: 'http://127.0.0.1:4002' }  (as the mesh on 4001 lists it)
 * ```
 */
import { regionFromUrl } from '../shared/client/aws-host.ts';
import { UsageError } from './args.ts';
import type { Target } from './args.ts';

/** The region to call and, for SigV4, the region to sign for (undefined: from the host). */
export interface ResolvedTarget {
  readonly url: string;
  readonly signingRegion?: string;
}

/** The two questions {@link resolveTarget} may ask the base URL. */
export interface TargetProbe {
  /** The local cloud's `/local/mesh` answer, or undefined when the base does not serve it. Throws when unreachable. */
  meshDocument(base: string): Promise<unknown>;
  /** The `region` of the base's `GET /status`. */
  statusRegion(base: string): Promise<string>;
}

/** One region of a `/local/mesh` document. */
export interface ListedRegion {
  readonly region: string;
  readonly url: string;
}

/**
 * The regions a `/local/mesh` answer lists (`{ regions: [{ region, url }] }`), or undefined when
 * it is not that document.
 *
 * @example
 * ```ts
 * listedRegions({ meshName: 'ecmesh', regions: [{ region: 'a', url: 'http://127.0.0.1:3001' }] }); // [{ region: 'a', url: … }]
 * listedRegions(undefined); // undefined
 * ```
 */
export function listedRegions(doc: unknown): ListedRegion[] | undefined {
  const regions = typeof doc === 'object' && doc !== null ? (doc as { regions?: unknown }).regions : undefined;
  if (!Array.isArray(regions)) return undefined;
  const listed = regions.filter(
    (r): r is ListedRegion => typeof r === 'object' && r !== null && typeof (r as ListedRegion).region === 'string' && typeof (r as ListedRegion).url === 'string',
  );
  return listed.map((r) => ({ region: r.region, url: r.url.replace(/\/+$/, '') }));
}

/**
 * Applies `target.region` to `target.base` (see the module comment); throws {@link UsageError}
 * when the region cannot be the one asked for.
 *
 * @example
 * ```ts
 * await resolveTarget({ base: 'https://a.execute-api.eu-west-1.amazonaws.com', from: 'env-url', region: 'us-east-1' }, true, probe);
 * // throws UsageError: --region us-east-1, but … is the API of eu-west-1 …
 * ```
 */
export async function resolveTarget(target: Target, sigv4: boolean, probe: TargetProbe): Promise<ResolvedTarget> {
  const { base, region } = target;
  if (region === undefined) return { url: base };
  const where = describeBase(target);
  const hostRegion = regionFromUrl(base);
  if (hostRegion !== undefined) {
    if (hostRegion !== region) {
      throw new UsageError(`--region ${region}, but ${where} is the API of ${hostRegion}: each region has its own URL, give ${region}'s`);
    }
    return { url: base, signingRegion: region };
  }
  if (sigv4) return { url: base, signingRegion: region };

  const listed = listedRegions(await probe.meshDocument(base));
  if (listed !== undefined && listed.length > 0) {
    const found = listed.find((r) => r.region === region);
    if (found === undefined) {
      throw new UsageError(`--region ${region}: the mesh at ${where} has no such region (it has ${listed.map((r) => r.region).join(', ')})`);
    }
    return { url: found.url };
  }
  const answering = await probe.statusRegion(base);
  if (answering !== region) {
    throw new UsageError(`--region ${region}, but ${where} is ${answering} and does not list its mesh's URLs: give ${region}'s URL with --url`);
  }
  return { url: base };
}

function describeBase(target: Target): string {
  switch (target.from) {
    case 'env-url':
      return `MESH_URL (${target.base})`;
    case 'env-port':
      return `MESH_PORT (${target.base})`;
    default:
      return target.base;
  }
}
