/**
 * What the views share: the regions, a client per region, and how one view opens another, so
 * views never import each other. `main.ts` builds the one instance.
 *
 * @example
 * ```ts
 * import type { App } from './app.ts';
 * function eventLink(app: App, id: string) { return h('button', { onclick: () => app.openEvent(id) }, shortId(id)); }
 * ```
 */
import type { MeshClient } from '../../shared/client/mesh-client.ts';
import type { Region } from './regions.ts';

export interface App {
  readonly regions: readonly Region[];
  /** The client of a region, undefined when its URL is unknown. */
  client(region: string): MeshClient | undefined;
  openKey(key: string): void;
  openEvent(id: string): void;
  openAccount(account: string): void;
  /** One refresh round of every panel, with requests sent after this call. */
  refresh(): Promise<void>;
  /** Tells the page that what is open changed, so the URL follows. */
  opened(): void;
}
