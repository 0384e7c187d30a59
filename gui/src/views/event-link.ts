/**
 * The link from anything that names an event to that event's trail: its short id as a button
 * whose accessible name says the whole id.
 *
 * @example
 * ```ts
 * import { eventLink } from './event-link.ts';
 * li.append(eventLink(app, event.id)); // <button class="link" aria-label="Show trail of event 3f2a…">3f2a9c0d1e2b</button>
 * ```
 */
import type { App } from '../app.ts';
import { h } from '../dom.ts';
import { shortId } from '../format.ts';

/**
 * A button that opens the trail of event `id`.
 *
 * @example
 * ```ts
 * eventLink(app, 'abc…');
 * ```
 */
export function eventLink(app: App, id: string): HTMLButtonElement {
  return h('button', { type: 'button', class: 'link', 'aria-label': `Show trail of event ${id}`, onclick: () => app.openEvent(id) }, shortId(id));
}
