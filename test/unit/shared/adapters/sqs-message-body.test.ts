/**
 * The SQS message-body encoding: what SQS refuses, and that every event, whatever its value,
 * encodes to a body SQS accepts and decodes to the same event (the same id).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMessageBody, forbiddenCharacter, invalidContentsMessage } from '../../../../shared/adapters/sqs-message-body.ts';
import { createEvent, parseEvent } from '../../../../shared/domain/event.ts';
import { LIMITS } from '../../../../shared/domain/limits.ts';
import { hostileJsonArb, hlcArb, keyArb, originArb, parentsArb } from '../../../support/arbitraries.ts';
import { setEvent } from '../../../support/factories.ts';
import { RUNS, SLOW } from '../../../support/property-runs.ts';

describe('forbiddenCharacter (the set SQS accepts: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF)', () => {
  it('accepts exactly the allowed set, at each boundary', () => {
    // Prepare
    const allowed = ['\t', '\n', '\r', ' ', '\ud7ff', '\ue000', '\ufffd', '\u{10000}', '\u{10ffff}', 'plain text', '{"a":"é€😀"}'];
    const refused: Array<[string, number]> = [
      ['\u0000', 0x0], ['\u0008', 0x8], ['\u000b', 0xb], ['\u000c', 0xc], ['\u000e', 0xe], ['\u001f', 0x1f],
      ['\ud800', 0xd800], ['\udfff', 0xdfff], ['x\udc00y', 0xdc00], ['\ufffe', 0xfffe], ['ok\uffff', 0xffff],
    ];

    // Act
    const onAllowed = allowed.map(forbiddenCharacter);
    const onRefused = refused.map(([s]) => forbiddenCharacter(s));

    // Assess
    expect(onAllowed).toEqual(allowed.map(() => undefined));
    expect(onRefused).toEqual(refused.map(([, cp]) => cp));
  });

  it('words the refusal as SQS does', () => {
    expect(invalidContentsMessage(0xffff)).toBe(
      "Invalid binary character '#xFFFF' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].",
    );
  });
});

describe('encodeMessageBody', () => {
  it('escapes U+FFFE, U+FFFF and lone surrogates, and JSON.parse restores the exact string', () => {
    // Prepare
    const value = { s: 'a\uffffb\ufffe\ud800\udfff\\\uffff', [`k\uffff`]: ['\udbff'] };

    // Act
    const body = encodeMessageBody(value);

    // Assess
    expect(forbiddenCharacter(body)).toBeUndefined();
    expect(body).toContain('\\uffff');
    expect(JSON.parse(body)).toEqual(value);
  });

  it('any JSON value round-trips: a body SQS accepts, decoding to an event with the same id', () => {
    fc.assert(
      fc.property(fc.record({ key: keyArb, payload: hostileJsonArb, hlc: hlcArb, origin: originArb, parents: parentsArb }), (u) => {
        // Prepare
        const event = createEvent({ kind: 'set', ...u });

        // Act
        const body = encodeMessageBody(event);
        const received = parseEvent(JSON.parse(body));

        // Assess
        expect(forbiddenCharacter(body)).toBeUndefined();
        expect(received.id).toBe(event.id);
        expect(received).toEqual(event);
      }),
      RUNS,
    );
  }, SLOW);

  it('keeps the largest value the API accepts, all U+FFFF, within one 256 KiB message', () => {
    // Prepare: U+FFFF is 3 bytes of canonical UTF-8 and 6 bytes escaped, the worst ratio.
    const value = '\uffff'.repeat(Math.floor((LIMITS.maxValueBytes - 2) / 3));
    const parents = Array.from({ length: LIMITS.maxParents }, (_, i) => i.toString(16).padStart(64, '0'));

    // Act
    const bytes = Buffer.byteLength(encodeMessageBody(setEvent('k', value, { parents })));

    // Assess
    expect(bytes).toBeGreaterThan(2 * 65_000);
    expect(bytes).toBeLessThanOrEqual(256 * 1024 - 512);
  });
});
