/**
 * The {@link LinkControl} of a handler that has no way to switch links (replicator, ingest, or
 * an api deployed without the AWS link control): `/status` shows no links, and switching one is
 * answered 501 rather than pretending.
 *
 * @example
 * ```ts
 * import { UnavailableLinkControl } from './unavailable-link-control.ts';
 * await new UnavailableLinkControl().links(); // []
 * ```
 */
import { MeshError } from '../domain/errors.ts';
import type { LinkControl, LinkState } from '../ports/link-control.ts';

export class UnavailableLinkControl implements LinkControl {
  async setLink(from: string, to: string): Promise<LinkState> {
    throw new MeshError('links-unavailable', 501, `link control is not available here, cannot switch ${from} -> ${to}`);
  }

  async links(): Promise<LinkState[]> {
    return [];
  }
}
