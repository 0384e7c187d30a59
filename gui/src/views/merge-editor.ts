/**
 * The conflict resolver of a key: every head side by side against their common ancestor, a
 * three-way field-level merge (pick each differing field from a head or the ancestor, or type
 * it), a word diff for values that are not objects, one-click "keep this head", and a resolve that
 * is safe: it proposes a region that sees every head, and asks before resolving where a head is
 * still missing (a resolution there would leave that head, and so the conflict, in place).
 *
 * @example
 * ```ts
 * import { createMergePanel } from './merge-editor.ts';
 * const merge = createMergePanel(document.querySelector('#merge-panel')!, app);
 * merge.update({ key: 'colour', heads, winner: 1, ancestor, regions });
 * ```
 */
import type { JsonValue, MeshEvent } from '../../../shared/domain/types.ts';
import { MeshHttpError } from '../../../shared/client/errors.ts';
import type { App } from '../app.ts';
import { busy, feedback, h, replace } from '../dom.ts';
import type { Child } from '../dom.ts';
import { describeFailure } from '../failure.ts';
import { formatHlc, formatJson, plural, shortId } from '../format.ts';
import { parseJsonInput } from '../json-input.ts';
import { planResolve } from '../resolve-plan.ts';
import type { RegionHeads } from '../resolve-plan.ts';
import { diffWords } from '../text-diff.ts';
import { formatPath, mergeFields, mergedValue, pathKey } from '../three-way-merge.ts';
import type { FieldChoice, MergeField, Slot } from '../three-way-merge.ts';
import { createValueEditor } from './value-editor.ts';

/** What the resolver needs to know of a key in conflict. */
export interface ConflictContext {
  readonly key: string;
  /** The conflict's heads: the heads of every region's events together, in total order. */
  readonly heads: readonly MeshEvent[];
  /** Index in `heads` of the value answered now (last writer wins). */
  readonly winner: number;
  /** The newest event every head descends from, if the page knows one. */
  readonly ancestor: MeshEvent | undefined;
  /** The heads each region sees. */
  readonly regions: readonly RegionHeads[];
}

export interface MergePanel {
  /** Shows the resolver for `context`, or hides it (keeping its last message) when undefined. */
  update(context: ConflictContext | undefined): void;
  /** Forgets every choice and message (another key was opened). */
  reset(): void;
}

/**
 * Heads are named A, B, C… on screen, in total order, the same in the resolver and the cards.
 *
 * @example
 * ```ts
 * headLetter(1); // 'B'
 * ```
 */
export const headLetter = (i: number): string => String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : '');

/** A head's value as a merge side: a delete is the absence of a value. */
const slotOf = (e: MeshEvent | undefined): Slot => (e === undefined || e.kind === 'delete' ? undefined : e.payload);

/** Wires the resolver into `root`. */
export function createMergePanel(root: HTMLElement, app: App): MergePanel {
  const content = h('div', {});
  const fb = feedback('resolve-feedback');
  root.append(content, fb.el);
  const editor = createValueEditor('resolve-value', 'Resolution value', 8);

  let context: ConflictContext | undefined;
  let signature = '';
  let choices = new Map<string, FieldChoice>();
  let chosenRegion: string | undefined;
  let showSame = false;
  let confirming: { region: string; run: () => Promise<void>; what: string } | undefined;

  function reset(): void {
    choices = new Map();
    chosenRegion = undefined;
    showSame = false;
    confirming = undefined;
    signature = '';
    editor.reset();
    fb.clear();
    content.replaceChildren();
    context = undefined;
  }

  function update(next: ConflictContext | undefined): void {
    const sig = next === undefined ? '' : JSON.stringify([next.key, next.heads.map((e) => e.id), next.ancestor?.id, next.regions]);
    if (sig === signature) return;
    const headsChanged = next === undefined || context === undefined || next.heads.map((e) => e.id).join() !== context.heads.map((e) => e.id).join();
    signature = sig;
    context = next;
    if (next === undefined) {
      content.replaceChildren();
      return;
    }
    if (headsChanged) {
      choices = new Map();
      confirming = undefined;
      editor.set(mergedText(next));
    }
    render();
  }

  function fieldsOf(ctx: ConflictContext): MergeField[] {
    return mergeFields(slotOf(ctx.ancestor), ctx.heads.map(slotOf), ctx.winner);
  }

  function mergedText(ctx: ConflictContext): string {
    const v = mergedValue(slotOf(ctx.ancestor), ctx.heads.map(slotOf), choices, ctx.winner);
    return v === undefined ? '' : formatJson(v, true);
  }

  function plan(ctx: ConflictContext): ReturnType<typeof planResolve> {
    return planResolve(ctx.heads.map((e) => e.id), ctx.regions, chosenRegion);
  }

  function render(): void {
    const ctx = context;
    if (ctx === undefined) return;
    const focused = document.activeElement instanceof HTMLElement && content.contains(document.activeElement) ? document.activeElement.id : '';
    const fields = fieldsOf(ctx);
    const differing = fields.filter((f) => f.status !== 'same');
    const conflicts = fields.filter((f) => f.status === 'conflict').length;
    const p = plan(ctx);
    const objectMerge = !(fields.length === 1 && fields[0]?.path.length === 0);
    replace(
      content,
      h(
        'div',
        { class: 'panel attention', id: 'resolver' },
        h('h3', {}, `Resolve the conflict on `, h('code', {}, ctx.key)),
        h(
          'p',
          {},
          `${plural(ctx.heads.length, 'head')}: `,
          ctx.heads.map((e, i) => [i ? '; ' : '', h('strong', {}, headLetter(i)), ` = ${e.kind} from ${e.origin} at ${formatHlc(e.hlc)} (${shortId(e.id)})${i === ctx.winner ? ', answered now (last writer wins)' : ''}`]),
          '.',
        ),
        h(
          'p',
          { class: 'hint' },
          ctx.ancestor === undefined
            ? 'No common ancestor: the heads are concurrent first writes (or their ancestry is not known here), so every field counts as new on each side.'
            : `Common ancestor: ${ctx.ancestor.kind} from ${ctx.ancestor.origin} at ${formatHlc(ctx.ancestor.hlc)} (${shortId(ctx.ancestor.id)}).`,
        ),
        h('h4', {}, 'Keep one head as it is'),
        h(
          'div',
          { class: 'actions' },
          ctx.heads.map((e, i) =>
            h(
              'button',
              {
                type: 'button',
                id: `keep-${i}`,
                class: 'secondary',
                'aria-label': `Keep head ${headLetter(i)} (from ${e.origin}) as it is`,
                onclick: (ev: Event) => void act(ev.currentTarget as HTMLButtonElement, `keep head ${headLetter(i)}`, (region) => keep(ctx, e, region)),
              },
              `Keep ${headLetter(i)}${e.kind === 'delete' ? ' (deleted)' : ''}`,
            ),
          ),
        ),
        h('h4', {}, objectMerge ? `Merge field by field (${plural(differing.length, 'field')} differ${differing.length === 1 ? 's' : ''}${conflicts ? `, ${conflicts} in conflict` : ''})` : 'Merge the values'),
        h(
          'p',
          { class: 'hint' },
          objectMerge
            ? 'A field only one head changed is taken from it; where heads changed a field differently, the value answered now is proposed: pick the one you want, or type your own. Picking rewrites the resolution value below.'
            : 'What each head changed from the ancestor, word by word. Pick a side, or write the value yourself below.',
        ),
        mergeTable(ctx, objectMerge ? (showSame ? fields : differing) : fields),
        objectMerge && fields.length > differing.length
          ? h(
              'button',
              { type: 'button', class: 'link', id: 'toggle-same', onclick: () => ((showSame = !showSame), render()) },
              showSame ? 'Hide unchanged fields' : `Show the ${plural(fields.length - differing.length, 'unchanged field')}`,
            )
          : null,
        editor.el,
        h('label', { for: 'resolve-region' }, 'Resolve in region'),
        h(
          'select',
          {
            id: 'resolve-region',
            onchange: (ev: Event) => {
              chosenRegion = (ev.currentTarget as HTMLSelectElement).value;
              confirming = undefined;
              render();
            },
          },
          ctx.regions.map((r) =>
            h('option', { value: r.region, selected: r.region === p.region }, `${r.region} — ${seesText(r, ctx.heads.length, p.completeRegions.includes(r.region))}`),
          ),
        ),
        h(
          'p',
          { id: 'resolve-plan', class: p.complete ? 'hint' : 'warn', role: p.complete ? null : 'alert' },
          p.complete
            ? `${p.region} sees every head: a resolution there ends the conflict in every region once it has replicated.`
            : `${p.region ?? 'No region'} does not see ${plural(p.missing.length, 'head')} (${p.missing.map(shortId).join(', ')}): a resolution there would leave ${p.missing.length === 1 ? 'it' : 'them'} in place, and the conflict with ${p.missing.length === 1 ? 'it' : 'them'}.${
                p.completeRegions.length ? ` ${p.completeRegions.join(', ')} ${p.completeRegions.length === 1 ? 'sees' : 'see'} every head.` : ' No region sees every head yet (a link may be partitioned): wait for them, or resolve in parts.'
              }`,
        ),
        confirming === undefined
          ? h(
              'div',
              { class: 'actions' },
              h(
                'button',
                { type: 'button', id: 'resolve-button', onclick: (ev: Event) => void act(ev.currentTarget as HTMLButtonElement, 'resolve', (region) => resolveWithEditor(ctx, region)) },
                'Resolve with this value',
              ),
            )
          : h(
              'div',
              { class: 'confirm', role: 'group', 'aria-label': 'Confirm a partial resolution' },
              h('span', {}, `${confirming.region} does not see every head. ${confirming.what[0]?.toUpperCase()}${confirming.what.slice(1)} there anyway?`),
              h('button', { type: 'button', id: 'confirm-partial', class: 'danger', onclick: (ev: Event) => void runConfirmed(ev.currentTarget as HTMLButtonElement) }, `Yes, ${confirming.what} in ${confirming.region}`),
              h('button', { type: 'button', id: 'cancel-partial', class: 'secondary', onclick: () => ((confirming = undefined), fb.clear(), render()) }, 'Cancel'),
            ),
      ),
    );
    if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
  }

  function seesText(r: RegionHeads, total: number, complete: boolean): string {
    if (r.heads === undefined) return 'no view of the key';
    if (complete) return 'sees every head';
    return `sees ${r.heads.filter((id) => context?.heads.some((e) => e.id === id)).length} of ${total} heads`;
  }

  function mergeTable(ctx: ConflictContext, fields: readonly MergeField[]): Child {
    if (fields.length === 0) return h('p', { class: 'hint' }, 'The heads hold the same value.');
    const sides = ['Ancestor', ...ctx.heads.map((e, i) => `${headLetter(i)} · ${e.origin}`)];
    return h(
      'table',
      { class: 'data stack merge-table', id: 'merge-table' },
      h('caption', {}, 'Pick each field'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), sides.map((label) => h('th', { scope: 'col' }, label)), h('th', { scope: 'col' }, 'Your own'))),
      h(
        'tbody',
        {},
        fields.map((f, row) => {
          const chosen = choices.get(pathKey(f.path)) ?? f.proposal;
          const group = `field-${row}`;
          const pick = (choice: FieldChoice): void => {
            choices.set(pathKey(f.path), choice);
            confirming = undefined;
            editor.set(mergedText(ctx));
            render();
          };
          const option = (id: string, label: string, value: Slot, checked: boolean, choice: FieldChoice, against?: Slot): Child =>
            h(
              'td',
              { 'data-label': label },
              h(
                'span',
                { class: 'choice' },
                h('input', { type: 'radio', name: group, id, checked, onchange: () => pick(choice) }),
                h('label', { for: id, 'aria-label': `${formatPath(f.path)}: ${label}: ${value === undefined ? 'absent' : formatJson(value)}` }, valueView(value, against)),
              ),
            );
          const customId = `${group}-custom`;
          const customValue = chosen.source === 'custom' && chosen.value !== undefined ? formatJson(chosen.value) : '';
          return h(
            'tr',
            { class: f.status, 'data-field': formatPath(f.path) },
            h('th', { scope: 'row' }, h('code', {}, formatPath(f.path)), h('br'), h('span', { class: 'status-note' }, statusText(f))),
            option(`${group}-ancestor`, 'Ancestor', f.ancestor, chosen.source === 'ancestor', { source: 'ancestor' }),
            f.heads.map((v, i) => option(`${group}-head-${i}`, sides[i + 1] ?? '', v, chosen.source === 'head' && chosen.head === i, { source: 'head', head: i }, f.ancestor)),
            h(
              'td',
              { 'data-label': 'Your own' },
              h('label', { for: customId, class: 'sr-only' }, `Your own value for ${formatPath(f.path)} (JSON)`),
              h('input', {
                type: 'text',
                id: customId,
                placeholder: 'type JSON…',
                value: customValue,
                spellcheck: 'false',
                onchange: (ev: Event) => {
                  const input = ev.currentTarget as HTMLInputElement;
                  const parsed = parseJsonInput(input.value, false);
                  input.setAttribute('aria-invalid', String(!parsed.ok));
                  if (!parsed.ok) {
                    fb.fail(`${formatPath(f.path)}: ${parsed.message}`);
                    return;
                  }
                  fb.clear();
                  pick({ source: 'custom', value: parsed.value });
                },
              }),
            ),
          );
        }),
      ),
    );
  }

  async function act(button: HTMLButtonElement, what: string, run: (region: string) => Promise<void>): Promise<void> {
    fb.clear();
    const ctx = context;
    if (ctx === undefined) return;
    const p = plan(ctx);
    if (p.region === undefined) {
      fb.fail('No region has a view of this key to resolve it in.');
      return;
    }
    const region = p.region;
    if (!p.complete) {
      confirming = { region, what, run: () => run(region) };
      render();
      document.getElementById('confirm-partial')?.focus();
      return;
    }
    await busy(button, () => run(region));
  }

  async function runConfirmed(button: HTMLButtonElement): Promise<void> {
    const pending = confirming;
    if (pending === undefined) return;
    await busy(button, pending.run);
    confirming = undefined;
    render();
  }

  async function resolveWithEditor(ctx: ConflictContext, region: string): Promise<void> {
    const value = editor.read();
    if (value === undefined) {
      fb.fail('Not resolved: the resolution value is not valid JSON (see above).');
      return;
    }
    await write(ctx, region, (client, heads) => client.resolve(ctx.key, value, heads), `Resolved ${ctx.key} to ${short(value)}`);
  }

  async function keep(ctx: ConflictContext, head: MeshEvent, region: string): Promise<void> {
    const i = ctx.heads.indexOf(head);
    if (head.kind === 'delete') {
      // A delete names every head the region sees as its parents: it ends the conflict as deleted.
      await write(ctx, region, (client) => client.delete(ctx.key), `Kept head ${headLetter(i)}: ${ctx.key} is deleted`);
      return;
    }
    await write(ctx, region, (client, heads) => client.resolve(ctx.key, head.payload, heads), `Kept head ${headLetter(i)} (${short(head.payload)})`);
  }

  async function write(
    ctx: ConflictContext,
    region: string,
    send: (client: NonNullable<ReturnType<App['client']>>, on: string[] | { version: number }) => Promise<{ event: MeshEvent }>,
    done: string,
  ): Promise<void> {
    const client = app.client(region);
    const shown = ctx.regions.find((r) => r.region === region);
    if (client === undefined || shown?.heads === undefined) {
      fb.fail(`${region} has no view of ${ctx.key} to resolve.`);
      return;
    }
    try {
      // By the version shown: it names every head the region had then, those beyond a page too,
      // and the region refuses it (409 stale-heads) if anything arrived since.
      const { event } = await send(client, shown.version === undefined ? [...shown.heads] : { version: shown.version });
      const complete = planResolve(ctx.heads.map((e) => e.id), ctx.regions, region).complete;
      fb.ok(`${done} in ${region} (event ${shortId(event.id)}). ${complete ? 'It ends the conflict in every region once it has replicated.' : 'Heads it did not see remain.'}`);
    } catch (error) {
      fb.fail(
        error instanceof MeshHttpError && error.code === 'stale-heads'
          ? `Not resolved: the heads of ${ctx.key} moved in ${region} meanwhile. Look at them again and resolve what is there now.`
          : `Not resolved: ${describeFailure(error).text}`,
      );
    }
    await app.refresh();
  }

  return { update, reset };
}

function short(value: JsonValue): string {
  const text = formatJson(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function statusText(f: MergeField): string {
  switch (f.status) {
    case 'same':
      return 'same in every head';
    case 'taken':
      return f.proposal.source === 'head' ? `only ${headLetter(f.proposal.head)} changed it` : 'changed once';
    case 'conflict':
      return '⚠ changed differently: pick';
  }
}

/** A side's value; against the ancestor, a word diff when both are plain values. */
function valueView(value: Slot, against: Slot | undefined): Child {
  if (value === undefined) return h('span', { class: 'absent' }, '(absent)');
  const text = formatJson(value, true);
  const plain = (v: Slot): boolean => v !== undefined && (typeof v !== 'object' || v === null);
  if (against === undefined || !plain(value) || !plain(against) || formatJson(against) === formatJson(value)) return h('pre', { class: 'json' }, text);
  return h(
    'pre',
    { class: 'json diff' },
    diffWords(formatJson(against), formatJson(value)).map((part) => (part.op === 'same' ? part.text : h(part.op, {}, part.text))),
  );
}
