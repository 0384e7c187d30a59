/**
 * A tiny DOM builder, so views are plain functions from data to elements (no framework), and the
 * one re-render primitive of the page, which keeps a person's focus where it was.
 *
 * @example
 * ```ts
 * import { h, replace } from './dom.ts';
 * replace(document.body, h('button', { type: 'button', onclick: () => alert('hi') }, 'Say hi'));
 * ```
 */

/** What may be a child: nodes, text, numbers, nothing, or nested lists of them. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** Attributes and listeners: `on*` functions listen, `true` is an empty attribute, `false`/nullish are skipped. */
export type Props = Record<string, unknown>;

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an HTML element.
 *
 * @example
 * ```ts
 * h('p', { class: 'note' }, 'Heads: ', h('strong', {}, 2));
 * ```
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), props, children);
}

/**
 * Creates an SVG element.
 *
 * @example
 * ```ts
 * s('svg', { viewBox: '0 0 10 10' }, s('circle', { cx: 5, cy: 5, r: 4 }));
 * ```
 */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(SVG_NS, tag), props, children);
}

function fill<E extends Element>(el: E, props: Props, children: readonly Child[]): E {
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    else if ((name === 'value' || name === 'checked') && name in el) (el as unknown as Record<string, unknown>)[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * Replaces the children of `el`.
 *
 * @example
 * ```ts
 * replace(document.querySelector('#out')!, 'done');
 * ```
 */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

function append(el: Element, children: readonly Child[]): void {
  for (const child of children.flat(Infinity as 1) as Child[]) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * How a focused control is found again after a re-render: its id, else its `data-focus`, else
 * its accessible name (every button here has one), else its text.
 *
 * @example
 * ```ts
 * focusKey(h('button', { 'aria-label': 'Heal a to b' })); // 'BUTTON|Heal a to b'
 * ```
 */
export function focusKey(el: Element): string {
  if (el.id) return `#${el.id}`;
  const tag = el.tagName;
  for (const attribute of ['data-focus', 'aria-label', 'name']) {
    const v = el.getAttribute(attribute);
    if (v) return `${tag}|${v}`;
  }
  return `${tag}|text|${el.textContent?.trim() ?? ''}`;
}

/**
 * Re-renders `el` only when `model` differs from the last one rendered there, and puts the focus
 * back on the matching control (see {@link focusKey}) when it was inside, caret included, so a
 * periodic refresh never throws a keyboard user back to the top of the page.
 *
 * @example
 * ```ts
 * renderIfChanged(section, data, () => view(data));
 * ```
 */
export function renderIfChanged(el: HTMLElement, model: unknown, render: () => Child): void {
  const signature = JSON.stringify(model);
  if (el.dataset['signature'] === signature) return;
  el.dataset['signature'] = signature;
  const active = document.activeElement;
  const inside = active !== null && active !== document.body && el.contains(active);
  const key = inside ? focusKey(active) : undefined;
  const caret = inside && (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) ? [active.selectionStart, active.selectionEnd] : undefined;
  replace(el, render());
  if (key === undefined) return;
  const again = Array.from(el.querySelectorAll<HTMLElement>('*')).find((x) => focusKey(x) === key);
  if (again === undefined) return;
  again.focus({ preventScroll: true });
  if (caret && (again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement)) {
    try {
      again.setSelectionRange(caret[0] ?? null, caret[1] ?? null);
    } catch {
      // Inputs such as type=number have no caret to restore.
    }
  }
}

/**
 * Runs `action` with `button` disabled and marked busy, so a slow region cannot be sent the same
 * write twice by an impatient second click.
 *
 * @example
 * ```ts
 * await busy(button, () => client.put('colour', 'blue'));
 * ```
 */
export async function busy<T>(button: HTMLButtonElement | null | undefined, action: () => Promise<T>): Promise<T> {
  if (!button) return action();
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** A message area next to the controls it reports on. */
export interface Feedback {
  readonly el: HTMLElement;
  /** Removes the last message (every new action starts with this). */
  clear(): void;
  ok(text: string): void;
  fail(text: string): void;
  note(text: string): void;
}

/**
 * A polite live region beside an action: screen readers announce what lands in it, and each
 * message replaces the last, so a success never sits beside a newer error.
 *
 * @example
 * ```ts
 * const fb = feedback('money-feedback');
 * form.append(button, fb.el);
 * fb.fail('Refused (409 insufficient-funds): …');
 * ```
 */
export function feedback(id: string): Feedback {
  const el = h('p', { id, class: 'feedback', role: 'status', 'aria-live': 'polite' });
  const show = (kind: string, mark: string, text: string): void => {
    el.className = `feedback ${kind}`;
    replace(el, h('span', { 'aria-hidden': 'true' }, mark), ' ', text);
  };
  return {
    el,
    clear: () => {
      el.className = 'feedback';
      el.replaceChildren();
    },
    ok: (text) => show('ok', '✓', text),
    fail: (text) => show('bad', '✗', text),
    note: (text) => show('note', 'ℹ', text),
  };
}
