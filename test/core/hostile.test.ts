/**
 * Issue #8, classes 1 and 6: free-form values of any depth and size, values JSON cannot hold,
 * and numbers that cannot round-trip. Whatever arrives, `decode`, `step`, `serialize` and the
 * host actor answer with a typed error, change nothing, and the room keeps serving.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createActor } from 'xstate';
import {
  authorityHostMachine,
  createAuthority,
  decode,
  encodeCommand,
  encodeResult,
  ERROR_CODES,
  LIMITS,
  serialize,
  step,
  type AuthorityState,
  type Caller,
  type StepOutcome,
} from '@micseat/core';

const host: Caller = { id: 'host', role: 'host' };
const ann: Caller = { id: 'ann', role: 'audience' };

function room(): AuthorityState {
  let s = createAuthority('hostile', { signalRateCount: 10_000 }, 0);
  s = step(s, { type: 'join', name: 'Host' }, host, 0).state;
  s = step(s, { type: 'join', name: 'Ann' }, ann, 0).state;
  return s;
}

/** The room still serves: the host's set-mode really changes the mode, in one new version. */
function stillServes(s: AuthorityState): void {
  const mode = s.room.mode === 'free' ? 'request' : 'free';
  const out = step(s, { type: 'set-mode', mode }, host, 1);
  assert.equal(out.result.ok, true);
  assert.equal(out.state.room.mode, mode);
  assert.equal(out.state.room.version, s.room.version + 1);
}

function refusedUnchanged(s: AuthorityState, out: StepOutcome, codes: readonly string[]): void {
  assert.equal(out.result.ok, false, 'refused');
  if (out.result.ok) return;
  assert.ok(
    codes.includes(out.result.error.code),
    `code ${out.result.error.code} in ${codes.join(', ')}: ${out.result.error.message}`,
  );
  assert.ok(out.result.error.message.length > 10, 'a readable message');
  assert.equal(out.state, s, 'state unchanged');
  assert.equal(out.patch, null);
}

/** A value nested `depth` levels deep (`[[…]]`, `{"a":{…}}` or both), built without recursion. */
function nested(depth: number, kind: 'array' | 'object' | 'mixed', leaf: unknown): unknown {
  let x = leaf;
  for (let i = 0; i < depth; i++) x = kind === 'array' || (kind === 'mixed' && i % 2) ? [x] : { a: x };
  return x;
}
function nestedText(depth: number, kind: 'array' | 'object', leaf: string): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

describe('class: free-form values are bounded in depth and size (signal payloads, result values, error details)', () => {
  test('property: a signal payload of random depth and size is taken exactly when within the limits, else too-large; the room keeps serving', () => {
    const s0 = room();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 80 }),
        fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
        fc.integer({ min: 0, max: 8000 }),
        (depth, kind, size) => {
          const payload = nested(depth, kind, 'x'.repeat(size));
          const bytes = Buffer.byteLength(JSON.stringify(payload));
          const fitsDepth = depth <= LIMITS.maxJsonDepth;
          // In the page, straight into the authority.
          const out = step(s0, { type: 'signal', name: 'gift', payload }, ann, 1);
          if (fitsDepth && bytes <= LIMITS.maxSignalBytes) {
            assert.equal(out.result.ok, true, out.result.ok ? '' : out.result.error.message);
            assert.deepEqual(out.events, [{ type: 'signal', from: 'ann', name: 'gift', payload }]);
          } else refusedUnchanged(s0, out, ['too-large']);
          // Over the wire, through the decoder.
          const d = decode(
            JSON.stringify(encodeCommand('c1', { type: 'signal', name: 'gift', payload: payload as never })),
          );
          if (fitsDepth) assert.equal(d.ok, true);
          else assert.equal(!d.ok && d.error.code, 'too-large');
          stillServes(s0);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('far beyond the limits (the reported 2,200 / 3,000 / 10,000 / 100,000 deep): typed errors, no throw, in the page and over the wire', () => {
    const s0 = room();
    for (const depth of [LIMITS.maxJsonDepth + 1, 2_200, 3_000, 10_000, 100_000]) {
      for (const kind of ['array', 'object'] as const) {
        const payload = nested(depth, kind, 1);
        refusedUnchanged(s0, step(s0, { type: 'signal', name: 'gift', payload }, ann, 1), ['too-large']);
        const text = `{"v":2,"t":"cmd","id":"c1","cmd":{"type":"signal","name":"gift","payload":${nestedText(depth, kind, '1')}}}`;
        const d = decode(text);
        assert.equal(d.ok, false);
        if (!d.ok) assert.ok(['too-large', 'malformed'].includes(d.error.code), d.error.code);
        const res = decode({ v: 2, t: 'res', id: 'c1', res: { ok: true, value: payload } });
        assert.equal(!res.ok && res.error.code, 'too-large', 'a result value is bounded too');
        const det = decode({
          v: 2,
          t: 'res',
          id: 'c1',
          res: { ok: false, error: { code: 'seat-taken', message: 'x', details: { deep: payload } } },
        });
        assert.equal(!det.ok && det.error.code, 'too-large', 'error details are bounded too');
      }
    }
    stillServes(s0);
  });

  test('values JSON cannot hold: a cycle, BigInt, a function, a symbol, NaN, a class instance, a throwing getter or Proxy', () => {
    const s0 = room();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const throwingGetter = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    const throwingProxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('proxy');
        },
        getPrototypeOf: () => {
          throw new Error('proxy');
        },
      },
    );
    const bad: unknown[] = [
      cyclic,
      10n,
      () => 1,
      Symbol('s'),
      NaN,
      Infinity,
      new Date(0),
      new Map(),
      throwingGetter,
      throwingProxy,
      [1, [2, cyclic]],
    ];
    for (const payload of bad) {
      const out = step(s0, { type: 'signal', name: 'gift', payload }, ann, 1);
      refusedUnchanged(s0, out, ['malformed', 'invalid-command']);
      const d = decode({ v: 2, t: 'cmd', id: 'c', cmd: { type: 'signal', name: 'gift', payload } });
      assert.equal(!d.ok && d.error.code, 'malformed');
      const r = decode({ v: 2, t: 'res', id: 'c', res: { ok: true, value: payload } });
      assert.equal(!r.ok && r.error.code, 'malformed');
    }
    stillServes(s0);
  });

  test('a command, a caller or a clock that throws or lies: typed errors from step, never a throw', () => {
    const s0 = room();
    const trap = () => {
      throw new Error('trap');
    };
    const proxyCommand = new Proxy(
      { type: 'set-mode', mode: 'free' },
      { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap },
    );
    refusedUnchanged(s0, step(s0, proxyCommand, host, 1), ['invalid-command']);
    const proxyCaller = new Proxy({ id: 'host', role: 'host' }, { get: trap }) as unknown as Caller;
    refusedUnchanged(s0, step(s0, { type: 'set-mode', mode: 'free' }, proxyCaller, 1), ['invalid-command']);
    const getterCommand = Object.defineProperty({ type: 'set-mode' }, 'mode', { enumerable: true, get: trap });
    refusedUnchanged(s0, step(s0, getterCommand, host, 1), ['invalid-command']);
    for (const now of [NaN, Infinity, -Infinity, -1, LIMITS.maxClockMs + 1, '5' as unknown as number]) {
      refusedUnchanged(s0, step(s0, { type: 'set-mode', mode: 'free' }, host, now), ['invalid-command']);
    }
    assert.throws(() => createAuthority('r', {}, -5), TypeError, 'a programmer error at creation is a TypeError');
    stillServes(s0);
  });

  test('the host actor keeps serving after garbage, a throwing clock and a hostile command (no stale "ok")', () => {
    let clockThrows = false;
    let t = 0;
    const actor = createActor(authorityHostMachine, {
      input: {
        state: room(),
        now: () => {
          if (clockThrows) throw new Error('clock');
          return t;
        },
      },
    });
    actor.start();
    const run = (command: unknown, caller: Caller = host) => {
      actor.send({ type: 'COMMAND', command, caller });
      return actor.getSnapshot().context.last!.result;
    };
    const deep = nested(10_000, 'array', 1);
    const answers = [
      run({ type: 'signal', name: 'gift', payload: deep }, ann),
      run(
        new Proxy(
          {},
          {
            get: () => {
              throw new Error('x');
            },
          },
        ),
        ann,
      ),
    ];
    clockThrows = true;
    answers.push(run({ type: 'set-mode', mode: 'free' }));
    clockThrows = false;
    for (const a of answers) assert.equal(a.ok, false);
    assert.deepEqual(
      answers.map((a) => !a.ok && a.error.code),
      ['too-large', 'invalid-command', 'internal'],
    );
    t = 5;
    const after = run({ type: 'set-mode', mode: 'free' });
    assert.equal(after.ok, true);
    assert.equal(actor.getSnapshot().status, 'active');
    assert.equal(actor.getSnapshot().context.state.room.mode, 'free');
    actor.stop();
  });

  test('serialize never throws: a cycle, a BigInt or a value deeper than the engine can encode is a typed error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    for (const value of [cyclic, 10n, nested(200_000, 'array', 1)]) {
      const r = serialize(encodeResult('c', { ok: true, value }));
      assert.equal(r.ok, false);
      if (!r.ok) assert.ok(['malformed', 'too-large'].includes(r.error.code), r.error.code);
    }
  });
});

describe('class: every number on the wire is finite and in range, so whatever decodes encodes again', () => {
  const numbers = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.constantFrom(
      -1,
      -0.5,
      0,
      Infinity,
      -Infinity,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      2 ** 64,
      1.5,
    ),
  );
  const s = room();
  /** The room's snapshot as text, with one number field replaced by `literal` (e.g. `1e999`, as a hostile sender would write it). */
  const snapshotWith = (field: string, literal: string) => {
    const msg = JSON.parse(JSON.stringify({ v: 2, t: 'snap', room: s.room }));
    const [where, key] = field.split(':') as [string, string];
    const target = where === 'room' ? msg.room : where === 'member' ? msg.room.members.ann : msg.room.seats[0];
    target[key] = '__N__';
    return JSON.stringify(msg).replace('"__N__"', literal);
  };

  test('property: clocks, versions, seq, deadlines and "have" with any number: decoded only when valid, and then round-trips', () => {
    fc.assert(
      fc.property(
        numbers,
        fc.constantFrom(
          'delta-clock',
          'delta-to',
          'sync-have',
          'room:version',
          'room:clock',
          'member:joinedAt',
          'seat:deadline',
        ),
        (n, field) => {
          const literal = Number.isFinite(n) ? JSON.stringify(n) : n > 0 ? '1e999' : n < 0 ? '-1e999' : 'NaN';
          let text: string;
          if (field === 'delta-clock') text = `{"v":2,"t":"delta","to":2,"clock":${literal},"patch":{},"events":[]}`;
          else if (field === 'delta-to') text = `{"v":2,"t":"delta","to":${literal},"clock":5,"patch":{},"events":[]}`;
          else if (field === 'sync-have') text = `{"v":2,"t":"sync","have":${literal}}`;
          else text = snapshotWith(field, literal);
          const d = decode(text);
          const integerField = field === 'delta-to' || field === 'sync-have' || field === 'room:version';
          const valid =
            literal !== 'NaN' &&
            Number.isFinite(n) &&
            n >= (field === 'delta-to' ? 1 : 0) &&
            n <= Number.MAX_SAFE_INTEGER &&
            (!integerField || Number.isInteger(n));
          assert.equal(d.ok, valid, `${field} = ${literal}: ${d.ok ? 'ok' : d.error.message}`);
          if (d.ok) {
            const again = serialize(d.value);
            assert.ok(again.ok && decode(again.value).ok, 'what decodes encodes and decodes again');
          } else assert.equal(d.error.code, 'malformed');
        },
      ),
      { numRuns: 2_000 },
    );
  });

  test('the reported cases: a delta clock of 1e999 or -1 is refused; a negative authority clock never gets into the room', () => {
    assert.equal(decode('{"v":2,"t":"delta","to":2,"clock":1e999,"patch":{},"events":[]}').ok, false);
    assert.equal(decode('{"v":2,"t":"delta","to":2,"clock":-1,"patch":{},"events":[]}').ok, false);
    const out = step(s, { type: 'set-mode', mode: 'free' }, host, -1);
    assert.equal(!out.result.ok && out.result.error.code, 'invalid-command');
    assert.ok(ERROR_CODES.includes('internal'));
  });
});
