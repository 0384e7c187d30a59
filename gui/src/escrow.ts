/**
 * What the accounts view shows of an escrow account, from one region's answers alone: who holds
 * how much of the balance (each region's rights, its share, what it asks for), the figures of a
 * 409 `insufficient-rights` refusal, a rebalancing entry as a sentence, and which mode an account
 * has across regions that may not have converged yet. Pure; every figure comes from the region,
 * checked to be a number before it is shown.
 *
 * @example
 * ```ts
 * import { rightsPicture } from './escrow.ts';
 * rightsPicture({ region: 'eu-west-1', balance: 100, rights: { 'us-east-1': 60, 'eu-west-1': 40 }, regions: [] }).rows;
 * // [{ region: 'eu-west-1', rights: 40, share: 0.4, self: true, … }, { region: 'us-east-1', rights: 60, share: 0.6, … }]
 * ```
 */
import { MeshHttpError } from '../../shared/client/errors.ts';
import type { EscrowSummary, RebalancingEntry } from '../../shared/client/types.ts';
import type { MeshEvent } from '../../shared/domain/types.ts';

/** One region's line of the rights table. */
export interface RightsRow {
  readonly region: string;
  readonly rights: number;
  /** Its part of the sum of rights, 0..1 (0 when nobody holds any). */
  readonly share: number;
  /** What it last asked its peers for; 0 when it asks for nothing. */
  readonly want: number;
  /** Where the rebalancer moves its rights toward; undefined when the region did not say. */
  readonly target: number | undefined;
  /** The region that answered: its rights are what it may spend. */
  readonly self: boolean;
}

/** Every region's rights as one region sees them. */
export interface RightsPicture {
  readonly rows: readonly RightsRow[];
  /** The sum of every region's rights: the balance, once the region's view has no gap. */
  readonly sum: number;
  /** `sum === balance`, as the escrow rules promise for a region's whole view. */
  readonly balanced: boolean;
  /** What the other regions hold: the part of the balance this region cannot spend now. */
  readonly elsewhere: number;
}

/**
 * The rights table of one region's answer: every region it lists (in `regions`, else only in
 * `rights` or `wants`), sorted by name, the answering region marked.
 *
 * @example
 * ```ts
 * const p = rightsPicture(summary);
 * p.balanced; // true: the rights add up to the balance
 * ```
 */
export function rightsPicture(s: Pick<EscrowSummary, 'region' | 'balance' | 'rights' | 'regions'> & { readonly wants?: EscrowSummary['wants'] }): RightsPicture {
  const views = new Map((s.regions ?? []).map((r) => [r.region, r] as const));
  const names = [...new Set([...views.keys(), ...Object.keys(s.rights ?? {}), ...Object.keys(s.wants ?? {})])].sort();
  const figures = names.map((region) => {
    const view = views.get(region);
    return {
      region,
      rights: figure(view?.rights ?? s.rights?.[region]),
      want: figure(view?.want ?? s.wants?.[region]),
      target: view === undefined ? undefined : figure(view.target),
    };
  });
  const sum = figures.reduce((total, f) => total + f.rights, 0);
  const own = figures.find((f) => f.region === s.region)?.rights ?? 0;
  return {
    rows: figures.map((f) => ({ ...f, share: sum > 0 ? f.rights / sum : 0, self: f.region === s.region })),
    sum,
    balanced: sum === figure(s.balance),
    elsewhere: Math.max(0, figure(s.balance) - own),
  };
}

/**
 * A share as a whole percentage for people; a region holding anything never reads as 0 %, and
 * one short of all never as 100 %.
 *
 * @example
 * ```ts
 * formatShare(0.4);   // '40 %'
 * formatShare(0.001); // '<1 %'
 * ```
 */
export function formatShare(share: number): string {
  if (!(share > 0)) return '0 %';
  if (share >= 1) return '100 %';
  if (share < 0.01) return '<1 %';
  if (share > 0.99) return '>99 %';
  return `${Math.round(share * 100)} %`;
}

/** The figures of a 409 `insufficient-rights`: what the region holds, the balance, who holds the rest. */
export interface RightsShortfall {
  readonly region: string;
  readonly amount: number;
  readonly rights: number;
  readonly balance: number;
  readonly elsewhere: number;
  /** The other regions holding rights, largest first. */
  readonly holders: readonly (readonly [string, number])[];
  /** The want the refusal asked the peers for, when it stored a request. */
  readonly requested: number | undefined;
}

/**
 * The figures of an `insufficient-rights` refusal, or undefined for any other error (or details
 * that are not the API's shape: then the message alone is shown).
 *
 * @example
 * ```ts
 * rightsShortfall(new MeshHttpError(409, 'insufficient-rights', '…', undefined, { region: 'eu-west-1', amount: 50, rights: 0, balance: 100, elsewhere: 100, holders: { 'us-east-1': 100 } }));
 * // { region: 'eu-west-1', amount: 50, rights: 0, balance: 100, elsewhere: 100, holders: [['us-east-1', 100]], requested: undefined }
 * ```
 */
export function rightsShortfall(error: unknown): RightsShortfall | undefined {
  if (!(error instanceof MeshHttpError) || error.code !== 'insufficient-rights') return undefined;
  const d = error.details;
  if (typeof d !== 'object' || d === null) return undefined;
  const { region, amount, rights, balance, elsewhere, holders, requested } = d as Record<string, unknown>;
  if (typeof region !== 'string' || ![amount, rights, balance, elsewhere].every(isAmount)) return undefined;
  if (requested !== undefined && !isAmount(requested)) return undefined;
  const held = typeof holders === 'object' && holders !== null ? Object.entries(holders as Record<string, unknown>) : [];
  return {
    region,
    amount: amount as number,
    rights: rights as number,
    balance: balance as number,
    elsewhere: elsewhere as number,
    holders: held.filter((e): e is [string, number] => isAmount(e[1]) && e[1] > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    requested: requested as number | undefined,
  };
}

/**
 * A refusal's figures as label / value pairs, for a definition list beside the message; `action`
 * is what was refused (a transfer is refused for want of rights too, and asks for none).
 *
 * @example
 * ```ts
 * shortfallFacts(shortfall);
 * // [['Asked to withdraw', '50'], ['eu-west-1 holds rights to', '0'], ['Balance', '100'], ['Held by other regions', '100 (us-east-1: 100)'], …]
 * ```
 */
export function shortfallFacts(s: RightsShortfall, action: 'withdraw' | 'transfer' = 'withdraw'): [string, string][] {
  const facts: [string, string][] = [
    [action === 'withdraw' ? 'Asked to withdraw' : 'Asked to transfer', String(s.amount)],
    [`${s.region} holds rights to`, String(s.rights)],
    ['Balance (sum of every region\'s rights)', String(s.balance)],
    ['Held by other regions', s.elsewhere > 0 ? `${s.elsewhere}${s.holders.length === 0 ? '' : ` (${s.holders.map(([r, n]) => `${r}: ${n}`).join(', ')})`}` : 'none'],
  ];
  if (s.balance < s.amount) facts.push(['So', `the balance itself is below ${s.amount}: no region can cover it`]);
  else if (action === 'transfer') facts.push(['So', `transfer from a region that holds the rights`]);
  else facts.push(['So', `withdraw where the rights are, transfer rights to ${s.region}, or retry once its peers send them`]);
  if (s.requested !== undefined) facts.push([`${s.region} asked its peers for`, String(s.requested)]);
  return facts;
}

/**
 * A rebalancing entry as a sentence.
 *
 * @example
 * ```ts
 * describeRebalancing({ kind: 'transfer', from: 'us-east-1', to: 'eu-west-1', amount: 40 } as RebalancingEntry); // 'us-east-1 sent 40 to eu-west-1'
 * describeRebalancing({ kind: 'request', from: 'eu-west-1', want: 50 } as RebalancingEntry);                      // 'eu-west-1 asked for 50'
 * ```
 */
export function describeRebalancing(e: Pick<RebalancingEntry, 'kind' | 'from' | 'to' | 'amount' | 'want'>): string {
  if (e.kind === 'transfer') return `${e.from} sent ${figure(e.amount)} to ${e.to ?? '?'}`;
  const want = figure(e.want);
  return want > 0 ? `${e.from} asked for ${want}` : `${e.from} asked for none (its request is withdrawn)`;
}

/**
 * An escrow statement line's event as a sentence: an opening, a deposit or withdrawal with its
 * sign, or the transfer or request as {@link describeRebalancing} says it.
 *
 * @example
 * ```ts
 * describeEscrowEvent({ kind: 'escrow-deposit', origin: 'us-east-1', payload: 100 }); // '+100 deposited in us-east-1'
 * describeEscrowEvent({ kind: 'escrow-transfer', origin: 'us-east-1', payload: { to: 'eu-west-1', amount: 40 } }); // 'us-east-1 sent 40 to eu-west-1'
 * ```
 */
export function describeEscrowEvent(e: Pick<MeshEvent, 'kind' | 'origin' | 'payload'>): string {
  const p = typeof e.payload === 'object' && e.payload !== null && !Array.isArray(e.payload) ? (e.payload as Record<string, unknown>) : {};
  switch (e.kind) {
    case 'escrow-open':
      return `opened in ${e.origin}`;
    case 'escrow-deposit':
      return `+${figure(e.payload)} deposited in ${e.origin}`;
    case 'escrow-withdraw':
      return `−${figure(e.payload)} withdrawn in ${e.origin}`;
    case 'escrow-transfer':
      return describeRebalancing({ kind: 'transfer', from: e.origin, to: typeof p['to'] === 'string' ? p['to'] : undefined, amount: figure(p['amount']) });
    case 'escrow-request':
      return describeRebalancing({ kind: 'request', from: e.origin, want: figure(p['want']) });
    default:
      return `${e.kind} from ${e.origin}`;
  }
}

/**
 * The rights a statement line lists after it (those of the regions its event touched), by region
 * name, zeros included (a region emptied by the event says so), or "none".
 *
 * @example
 * ```ts
 * formatRights({ 'us-east-1': 60, 'eu-west-1': 0 }); // 'eu-west-1 0 · us-east-1 60'
 * ```
 */
export function formatRights(rights: Readonly<Record<string, number>>): string {
  const listed = Object.entries(rights ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return listed.length === 0 ? 'none' : listed.map(([r, n]) => `${r} ${figure(n)}`).join(' · ');
}

/** The mode of an account across regions that may disagree until they converge. */
export interface ModeAcrossRegions {
  /** The mode the regions that hold the account give it; undefined when none holds it yet. */
  readonly mode: 'plain' | 'escrow' | undefined;
  /** Some region holds the id in both modes (a mode conflict: name the mode in every write). */
  readonly conflict: boolean;
}

/**
 * The account's mode from every region's answer: escrow as soon as one region holds it so (a
 * region the opening has not reached yet answers an empty plain account), plain when the
 * regions that hold it say plain.
 *
 * @example
 * ```ts
 * modeAcrossRegions([{ mode: 'plain', modes: [] }, { mode: 'escrow', modes: ['escrow'] }]); // { mode: 'escrow', conflict: false }
 * ```
 */
export function modeAcrossRegions(answers: readonly { readonly mode?: string; readonly modes?: readonly string[] }[]): ModeAcrossRegions {
  const held = answers.flatMap((a) => a.modes ?? (a.mode === undefined ? [] : [a.mode]));
  const conflict = answers.some((a) => (a.modes ?? []).includes('plain') && (a.modes ?? []).includes('escrow')) || (held.includes('plain') && held.includes('escrow'));
  if (held.includes('escrow') || answers.some((a) => a.mode === 'escrow')) return { mode: 'escrow', conflict };
  return { mode: held.includes('plain') ? 'plain' : undefined, conflict };
}

function isAmount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** A region's figure as a number; anything else (absent, hostile) counts as 0. */
function figure(v: unknown): number {
  return isAmount(v) ? v : 0;
}
