/**
 * A tiny DOM builder, so views are plain functions from data to elements (no framework, no build).
 *
 * @example
 * ```js
 * import { h, replace } from './dom.js';
 * replace(document.body, h('button', { type: 'button', onclick: () => alert('hi') }, 'Say hi'));
 * ```
 */

/**
 * Creates an element. Props: `on*` functions become listeners, `true` becomes an empty attribute,
 * `false`/`null`/`undefined` are skipped, anything else is set as an attribute. Children may be
 * nodes, strings, numbers or (nested) arrays of them; null and false are skipped.
 *
 * @example
 * ```js
 * h('p', { class: 'note' }, 'Heads: ', h('strong', {}, 2));
 * ```
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'value' && 'value' in el) el.value = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * Replaces the children of `el`.
 *
 * @example
 * ```js
 * replace(document.querySelector('#out'), 'done');
 * ```
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * Re-renders `el` only when `model` differs from the last one rendered there, so a periodic
 * refresh does not steal focus from a button or reset a half-typed input.
 *
 * @example
 * ```js
 * renderIfChanged(section, data, () => view(data));
 * ```
 */
export function renderIfChanged(el, model, render) {
  const signature = JSON.stringify(model);
  if (el.dataset.signature === signature) return;
  el.dataset.signature = signature;
  const focusedId = document.activeElement?.id;
  replace(el, render());
  // Keep keyboard users where they were when an element with the same id comes back.
  if (focusedId && el.contains(document.getElementById(focusedId)) === false) return;
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Runs `action` with `button` disabled and marked busy, so a slow region cannot be sent the same
 * write twice by an impatient second click.
 *
 * @example
 * ```js
 * form.addEventListener('submit', (e) => busy(e.submitter, () => api.put(url, key, value)));
 * ```
 */
export async function busy(button, action) {
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
