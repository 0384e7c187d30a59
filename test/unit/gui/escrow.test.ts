import { describe, expect, it } from 'vitest';
import { MeshHttpError } from '../../../shared/client/errors.ts';
import type { EscrowRegionView } from '../../../shared/client/types.ts';
import { describeEscrowEvent, describeRebalancing, formatRights, formatShare, modeAcrossRegions, rightsPicture, rightsShortfall, shortfallFacts } from '../../../gui/src/escrow.ts';

function regionView(region: string, rights: number, over: Partial<EscrowRegionView> = {}): EscrowRegionView {
  return { region, rights, want: 0, target: rights, deposited: rights, withdrawn: 0, sent: 0, received: 0, ...over };
}

const SHORTFALL = { region: 'eu-west-1', amount: 50, rights: 10, balance: 100, elsewhere: 90, holders: { 'us-east-1': 30, 'ap-southeast-2': 60 } };

describe('rightsPicture', () => {
  it('lists every region by name with its share of the rights, marking the region that answered', () => {
    // Prepare
    const summary = { region: 'eu-west-1', balance: 100, rights: { 'us-east-1': 60, 'eu-west-1': 40 }, regions: [regionView('us-east-1', 60), regionView('eu-west-1', 40, { want: 25 }), regionView('ap-southeast-2', 0)] };

    // Act
    const picture = rightsPicture(summary);

    // Assess
    expect(picture.rows.map((r) => [r.region, r.rights, r.share, r.want, r.self])).toEqual([
      ['ap-southeast-2', 0, 0, 0, false],
      ['eu-west-1', 40, 0.4, 25, true],
      ['us-east-1', 60, 0.6, 0, false],
    ]);
    expect(picture).toMatchObject({ sum: 100, balanced: true, elsewhere: 60 });
  });

  it('says when the rights do not add up to the balance (a gap in the region\'s view)', () => {
    expect(rightsPicture({ region: 'us-east-1', balance: 100, rights: { 'us-east-1': 70 }, regions: [] })).toMatchObject({ sum: 70, balanced: false, elsewhere: 30 });
  });

  it('reads regions named only in rights or wants, and counts hostile figures as 0', () => {
    // Prepare
    const summary = { region: 'r1', balance: 5, rights: { r1: 5, r2: 'x' as unknown as number, r3: -4 }, wants: { r4: 7 }, regions: [] };

    // Act
    const picture = rightsPicture(summary);

    // Assess
    expect(picture.rows.map((r) => [r.region, r.rights, r.want])).toEqual([
      ['r1', 5, 0],
      ['r2', 0, 0],
      ['r3', 0, 0],
      ['r4', 0, 7],
    ]);
    expect(picture.balanced).toBe(true);
  });

  it('gives every share 0 when nobody holds any rights', () => {
    expect(rightsPicture({ region: 'a', balance: 0, rights: { a: 0, b: 0 }, regions: [] }).rows.map((r) => r.share)).toEqual([0, 0]);
  });
});

describe('formatShare', () => {
  it('never shows a holder as 0 % or one short of all as 100 %', () => {
    expect([0, 0.004, 0.4, 0.996, 1].map(formatShare)).toEqual(['0 %', '<1 %', '40 %', '>99 %', '100 %']);
  });
});

describe('rightsShortfall', () => {
  it('reads the figures of a 409 insufficient-rights, the other holders largest first', () => {
    // Prepare
    const error = new MeshHttpError(409, 'insufficient-rights', 'eu-west-1 holds rights to 10 …', undefined, { ...SHORTFALL, requested: 40 });

    // Act
    const short = rightsShortfall(error);

    // Assess
    expect(short).toEqual({ region: 'eu-west-1', amount: 50, rights: 10, balance: 100, elsewhere: 90, holders: [['ap-southeast-2', 60], ['us-east-1', 30]], requested: 40 });
  });

  it('answers undefined for any other error, or for details that are not the API\'s shape', () => {
    expect(rightsShortfall(new MeshHttpError(409, 'insufficient-funds', 'short', undefined, SHORTFALL))).toBeUndefined();
    expect(rightsShortfall(new Error('insufficient-rights'))).toBeUndefined();
    expect(rightsShortfall(new MeshHttpError(409, 'insufficient-rights', 'no details'))).toBeUndefined();
    expect(rightsShortfall(new MeshHttpError(409, 'insufficient-rights', 'bad', undefined, { ...SHORTFALL, rights: '10' }))).toBeUndefined();
    expect(rightsShortfall(new MeshHttpError(409, 'insufficient-rights', 'bad', undefined, { ...SHORTFALL, balance: Number.NaN }))).toBeUndefined();
    expect(rightsShortfall(new MeshHttpError(409, 'insufficient-rights', 'bad', undefined, { ...SHORTFALL, requested: -1 }))).toBeUndefined();
  });

  it('drops holders whose figures are not amounts', () => {
    const error = new MeshHttpError(409, 'insufficient-rights', '…', undefined, { ...SHORTFALL, holders: { good: 5, bad: 'x', zero: 0, '<img src=x>': 1 } });
    expect(rightsShortfall(error)?.holders).toEqual([['good', 5], ['<img src=x>', 1]]);
  });
});

describe('shortfallFacts', () => {
  it('says what this region holds, the balance, and that the rest is held elsewhere', () => {
    // Prepare
    const short = rightsShortfall(new MeshHttpError(409, 'insufficient-rights', '…', undefined, { ...SHORTFALL, requested: 40 }));

    // Act
    const facts = short === undefined ? [] : shortfallFacts(short);

    // Assess
    expect(facts).toEqual([
      ['Asked to withdraw', '50'],
      ['eu-west-1 holds rights to', '10'],
      ["Balance (sum of every region's rights)", '100'],
      ['Held by other regions', '90 (ap-southeast-2: 60, us-east-1: 30)'],
      ['So', 'withdraw where the rights are, transfer rights to eu-west-1, or retry once its peers send them'],
      ['eu-west-1 asked its peers for', '40'],
    ]);
  });

  it('names a refused transfer as a transfer, and sends it to where the rights are', () => {
    const short = rightsShortfall(new MeshHttpError(409, 'insufficient-rights', '…', undefined, SHORTFALL));
    const facts = short === undefined ? [] : shortfallFacts(short, 'transfer');
    expect(facts[0]).toEqual(['Asked to transfer', '50']);
    expect(facts).toContainEqual(['So', 'transfer from a region that holds the rights']);
  });

  it('says no region can cover more than the balance', () => {
    const short = rightsShortfall(new MeshHttpError(409, 'insufficient-rights', '…', undefined, { region: 'a', amount: 500, rights: 100, balance: 100, elsewhere: 0, holders: {} }));
    const facts = short === undefined ? [] : shortfallFacts(short);
    expect(facts).toContainEqual(['Held by other regions', 'none']);
    expect(facts).toContainEqual(['So', 'the balance itself is below 500: no region can cover it']);
  });
});

describe('describeRebalancing', () => {
  it('says who sent rights to whom, and who asks for how much', () => {
    expect(describeRebalancing({ kind: 'transfer', from: 'us-east-1', to: 'eu-west-1', amount: 40 })).toBe('us-east-1 sent 40 to eu-west-1');
    expect(describeRebalancing({ kind: 'request', from: 'eu-west-1', want: 50 })).toBe('eu-west-1 asked for 50');
    expect(describeRebalancing({ kind: 'request', from: 'eu-west-1', want: 0 })).toBe('eu-west-1 asked for none (its request is withdrawn)');
  });
});

describe('describeEscrowEvent', () => {
  it('says what each kind of escrow event did, and where', () => {
    expect(describeEscrowEvent({ kind: 'escrow-open', origin: 'us-east-1', payload: null })).toBe('opened in us-east-1');
    expect(describeEscrowEvent({ kind: 'escrow-deposit', origin: 'us-east-1', payload: 100 })).toBe('+100 deposited in us-east-1');
    expect(describeEscrowEvent({ kind: 'escrow-withdraw', origin: 'eu-west-1', payload: 30 })).toBe('−30 withdrawn in eu-west-1');
    expect(describeEscrowEvent({ kind: 'escrow-transfer', origin: 'us-east-1', payload: { to: 'eu-west-1', amount: 40 } })).toBe('us-east-1 sent 40 to eu-west-1');
    expect(describeEscrowEvent({ kind: 'escrow-request', origin: 'eu-west-1', payload: { want: 30 } })).toBe('eu-west-1 asked for 30');
  });

  it('reads a malformed payload as 0 and an unknown region as "?"', () => {
    expect(describeEscrowEvent({ kind: 'escrow-transfer', origin: 'a', payload: ['x'] })).toBe('a sent 0 to ?');
    expect(describeEscrowEvent({ kind: 'escrow-deposit', origin: 'a', payload: '<b>9</b>' })).toBe('+0 deposited in a');
  });
});

describe('formatRights', () => {
  it('names the regions listed by name, a region emptied by the event included', () => {
    expect(formatRights({ 'us-east-1': 60, 'eu-west-1': 0 })).toBe('eu-west-1 0 · us-east-1 60');
    expect(formatRights({})).toBe('none');
  });
});

describe('modeAcrossRegions', () => {
  it('is escrow as soon as one region holds the account so, though others answer an empty plain account', () => {
    expect(modeAcrossRegions([{ mode: 'plain', modes: [] }, { mode: 'escrow', modes: ['escrow'] }])).toEqual({ mode: 'escrow', conflict: false });
  });

  it('is plain when the regions that hold it say plain, and unknown when none holds it', () => {
    expect(modeAcrossRegions([{ mode: 'plain', modes: ['plain'] }, { mode: 'plain', modes: [] }])).toEqual({ mode: 'plain', conflict: false });
    expect(modeAcrossRegions([{ mode: 'plain', modes: [] }])).toEqual({ mode: undefined, conflict: false });
    // An older region that names no modes holds what it answers.
    expect(modeAcrossRegions([{ mode: 'plain' }])).toEqual({ mode: 'plain', conflict: false });
  });

  it('sees a mode conflict within one region or across two', () => {
    expect(modeAcrossRegions([{ mode: 'plain', modes: ['escrow', 'plain'] }]).conflict).toBe(true);
    expect(modeAcrossRegions([{ mode: 'plain', modes: ['plain'] }, { mode: 'escrow', modes: ['escrow'] }]).conflict).toBe(true);
  });
});
