/**
 * A JSON value editor: a text area that says at once, beside itself, whether what is typed is
 * valid JSON (and where it is not), and a "Store as text" box that stores the text as a string
 * instead. `read()` answers the value, or undefined after showing why there is none.
 *
 * @example
 * ```ts
 * import { createValueEditor } from './value-editor.ts';
 * const editor = createValueEditor('write-value', 'Value to write');
 * form.append(editor.el);
 * const value = editor.read(); // undefined when invalid (the editor shows why and takes the focus)
 * ```
 */
import { h } from '../dom.ts';
import { parseJsonInput } from '../json-input.ts';
import type { JsonValue } from '../../../shared/domain/types.ts';

export interface ValueEditor {
  readonly el: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  /** The value typed, or undefined (the error is shown and the editor focused). */
  read(): JsonValue | undefined;
  /** Replaces the text (and unticks "Store as text"). */
  set(text: string): void;
  /** Empties the editor and its error. */
  reset(): void;
}

/**
 * An editor with ids derived from `id` (`id`, `id-as-text`, `id-error`).
 *
 * @example
 * ```ts
 * createValueEditor('resolve-value', 'Resolution value', 6);
 * ```
 */
export function createValueEditor(id: string, label: string, rows = 3): ValueEditor {
  const error = h('p', { id: `${id}-error`, class: 'input-error', 'aria-live': 'polite' });
  const textarea = h('textarea', { id, name: id, rows, spellcheck: 'false', 'aria-describedby': `${id}-error` });
  const asText = h('input', { type: 'checkbox', id: `${id}-as-text` });
  const check = (): ReturnType<typeof parseJsonInput> => {
    const parsed = parseJsonInput(textarea.value, asText.checked);
    const empty = textarea.value === '' && !asText.checked;
    textarea.setAttribute('aria-invalid', String(!parsed.ok && !empty));
    error.textContent = parsed.ok || empty ? '' : parsed.message;
    return parsed;
  };
  textarea.addEventListener('input', check);
  asText.addEventListener('change', check);
  const el = h(
    'div',
    { class: 'value-editor' },
    h('label', { for: id }, `${label} (JSON)`),
    textarea,
    error,
    h('span', { class: 'check' }, asText, h('label', { for: `${id}-as-text` }, 'Store as text (a JSON string of exactly what is typed)')),
  );
  return {
    el,
    textarea,
    read() {
      const parsed = check();
      if (parsed.ok) return parsed.value;
      error.textContent = parsed.message;
      textarea.setAttribute('aria-invalid', 'true');
      textarea.focus();
      return undefined;
    },
    set(text) {
      textarea.value = text;
      asText.checked = false;
      check();
    },
    reset() {
      textarea.value = '';
      asText.checked = false;
      textarea.removeAttribute('aria-invalid');
      error.textContent = '';
    },
  };
}
