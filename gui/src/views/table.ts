/**
 * A data table that reads at every width: a normal table on a wide screen; on a narrow one
 * (`styles.css`, class `stack`) each row becomes a card whose cells carry their column's name.
 *
 * @example
 * ```ts
 * import { dataTable } from './table.ts';
 * dataTable({ caption: 'Links', columns: [{ label: 'From' }, { label: 'Backlog', num: true }], rows: [{ cells: ['us-east-1', 3] }] });
 * ```
 */
import { h } from '../dom.ts';
import type { Child, Props } from '../dom.ts';

export interface Column {
  readonly label: string;
  /** Right-aligned, tabular figures. */
  readonly num?: boolean;
  /** The column heads the row (a `th scope=row`). */
  readonly rowHeader?: boolean;
}

export interface Row {
  readonly cells: readonly Child[];
  readonly props?: Props;
}

export interface TableSpec {
  readonly caption?: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  readonly props?: Props;
  /** Extra classes besides `data stack`. */
  readonly className?: string;
}

/**
 * Builds the table.
 *
 * @example
 * ```ts
 * section.append(dataTable(spec));
 * ```
 */
export function dataTable(spec: TableSpec): HTMLTableElement {
  return h(
    'table',
    { ...spec.props, class: `data stack${spec.className ? ` ${spec.className}` : ''}` },
    spec.caption === undefined ? null : h('caption', {}, spec.caption),
    h('thead', {}, h('tr', {}, spec.columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    h(
      'tbody',
      {},
      spec.rows.map((row) =>
        h(
          'tr',
          row.props ?? {},
          spec.columns.map((c, i) =>
            c.rowHeader
              ? h('th', { scope: 'row' }, row.cells[i] ?? null)
              : // One wrapper per cell, so a stacked cell is exactly two parts: its label and its content.
                h('td', { 'data-label': c.label, class: c.num ? 'num' : null }, h('div', { class: 'cell' }, row.cells[i] ?? null)),
          ),
        ),
      ),
    ),
  );
}
