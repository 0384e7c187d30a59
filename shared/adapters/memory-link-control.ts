/**
 * An in-memory {@link LinkControl}: link switches without any delivery behind them. For unit
 * tests, and for handlers that must answer `/status` where no real control is wired.
 *
 * @example
 * ```ts
 * import { MemoryLinkControl } from './memory-link-control.ts';
 * const links = new MemoryLinkControl(['us-east-1', 'eu-west-1']);
 * await links.setLink('us-east-1', 'eu-west-1', false);
 * (await links.links()).find((l) => !l.enabled); // { from: 'us-east-1', to: 'eu-west-1', enabled: false }
 * ```
 */
import type { LinkControl, LinkState } from '../ports/link-control.ts';

export class MemoryLinkControl implements LinkControl {
  private readonly state = new Map<string, LinkState>();

  constructor(regions: readonly string[]) {
    for (const from of regions) for (const to of regions) if (from !== to) this.state.set(`${from}>${to}`, { from, to, enabled: true });
  }

  async setLink(from: string, to: string, enabled: boolean): Promise<LinkState> {
    const link: LinkState = { ...(this.state.get(`${from}>${to}`) ?? { from, to }), enabled };
    this.state.set(`${from}>${to}`, link);
    return link;
  }

  async links(): Promise<LinkState[]> {
    return [...this.state.values()];
  }

  async isEnabled(from: string, to: string): Promise<boolean> {
    const link = this.state.get(`${from}>${to}`);
    if (link === undefined) throw new Error(`no link ${from} -> ${to}`);
    return link.enabled;
  }
}
