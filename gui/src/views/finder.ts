/**
 * Finding keys or accounts by prefix, with paging: every region's listing (`GET /kv?prefix=` or
 * `GET /accounts?prefix=`, answering `{ region, keys | accounts, next }`, each item a listing such as
 * `{ key, headCount, conflict }` or `{ account, balance }`) merged into one sorted list, "More" while
 * any region has a `next` cursor. The list stops where a region with more to list stopped
 * (`paged-union.ts`), so "More" appends. A region whose API has no listing route yet
 * (404 `route-not-found`) is said so plainly, and a name can still be typed in the form beside.
 *
 * @example
 * ```ts
 * import { createFinder } from './finder.ts';
 * createFinder({ form, input, list, path: '/kv', field: 'keys', noun: 'key', open: (k) => app.openKey(k) }, app);
 * ```
 */
import { MeshHttpError } from '../../../shared/client/errors.ts';
import type { App } from '../app.ts';
import { everyRegion } from '../api.ts';
import { busy, h, replace } from '../dom.ts';
import { describeFailure } from '../failure.ts';
import { plural } from '../format.ts';
import { addPages, emptyUnion, visibleNames } from '../paged-union.ts';
import type { RegionPage } from '../paged-union.ts';

export interface FinderSpec {
  readonly form: HTMLFormElement;
  readonly input: HTMLInputElement;
  readonly list: HTMLElement;
  /** The listing route, `/kv` or `/accounts`. */
  readonly path: string;
  /** The answer's list field, `keys` or `accounts`. */
  readonly field: string;
  readonly noun: string;
  readonly open: (name: string) => void;
}

const PAGE = 50;

/** Wires one finder form. */
export function createFinder(spec: FinderSpec, app: App): void {
  let prefix = '';
  /** Every region's pages so far, and where each continues. */
  let union = emptyUnion();
  let notes: string[] = [];

  spec.form.addEventListener('submit', (e) => {
    e.preventDefault();
    prefix = spec.input.value.trim();
    union = emptyUnion();
    void busy((e as SubmitEvent).submitter as HTMLButtonElement | null, () => load(undefined));
  });

  async function load(only: ReadonlyMap<string, string> | undefined): Promise<void> {
    const regions = only === undefined ? app.regions : app.regions.filter((r) => only.has(r.region));
    const answers = await everyRegion(regions, (r, c) => {
      const query = new URLSearchParams({ prefix, limit: String(PAGE), ...(only?.get(r.region) ? { cursor: only.get(r.region) as string } : {}) });
      return c.request<Record<string, unknown>>('GET', `${spec.path}?${query}`);
    });
    notes = [];
    let unsupported = 0;
    const pages: RegionPage[] = [];
    for (const a of answers) {
      if (!a.ok) {
        if (a.error instanceof MeshHttpError && a.error.status === 404 && a.error.code === 'route-not-found') unsupported++;
        else notes.push(`${a.region}: ${describeFailure(a.error).text}`);
        continue;
      }
      const items = a.value[spec.field];
      const names: Array<readonly [string, string]> = [];
      if (Array.isArray(items)) {
        for (const item of items) {
          const name = typeof item === 'string' ? item : (item as Record<string, unknown>)?.[spec.noun];
          if (typeof name === 'string') names.push([name, detail(item, a.region)]);
        }
      }
      const next = a.value['next'];
      pages.push({ region: a.region, names, ...(typeof next === 'string' && next !== '' ? { next } : {}) });
    }
    if (unsupported === answers.length && answers.length > 0) {
      replace(spec.list, h('p', { class: 'hint', id: `${spec.field}-unsupported` }, `These regions cannot list ${spec.noun}s yet (no GET ${spec.path}?prefix= route): type a ${spec.noun} to open it.`));
      return;
    }
    union = addPages(union, pages);
    render();
  }

  function render(): void {
    const names = visibleNames(union);
    const { found, cursors } = union;
    replace(
      spec.list,
      h(
        'div',
        { class: 'panel' },
        h('p', { role: 'status' }, names.length === 0 ? `No ${spec.noun} starts with “${prefix}”.` : `${plural(names.length, spec.noun)}${prefix ? ` starting with “${prefix}”` : ''}${cursors.size ? ' so far' : ''}:`),
        h(
          'ul',
          { class: 'plain' },
          names.map((n) => h('li', {}, h('button', { type: 'button', class: 'link', 'aria-label': `Open ${spec.noun} ${n}`, onclick: () => spec.open(n) }, n), found.get(n) ? h('span', { class: 'hint' }, ` ${found.get(n)}`) : null)),
        ),
        cursors.size ? h('button', { type: 'button', class: 'secondary', onclick: (e: Event) => void busy(e.currentTarget as HTMLButtonElement, () => load(new Map(cursors))) }, `More ${spec.noun}s`) : null,
        notes.length ? h('p', { class: 'warn' }, notes.join('; ')) : null,
      ),
    );
  }
}

/** What a listing says worth showing beside a name: a conflict, or a balance, with the region. */
function detail(item: unknown, region: string): string {
  if (typeof item !== 'object' || item === null) return '';
  const i = item as { conflict?: unknown; headCount?: unknown; balance?: unknown };
  if (i.conflict === true) return `${region}: in conflict (${String(i.headCount)} heads)`;
  if (typeof i.balance === 'number') return `${region}: balance ${i.balance}`;
  return '';
}
