import assert from 'node:assert/strict';
import {
  createAuthority,
  step,
  type AuthorityState,
  type Caller,
  type ErrorCode,
  type Result,
  type RoomConfigInput,
  type StepOutcome,
} from '@micseat/core';

/** A tiny driver around the pure authority with its own clock, for readable tests. */
export class Room {
  state: AuthorityState;
  now = 1_000;
  last!: StepOutcome;
  constructor(config: RoomConfigInput = {}) {
    this.state = createAuthority('room-1', config, this.now);
  }
  as(id: string, role: Caller['role'] = 'audience') {
    return { id, role };
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read result values field by field
  run(caller: Caller, command: unknown): Result<any> {
    this.last = step(this.state, command, caller, this.now);
    this.state = this.last.state;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
    return this.last.result as Result<any>;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  ok(caller: Caller, command: unknown): any {
    const r = this.run(caller, command);
    if (!r.ok) assert.fail(`expected ok for ${JSON.stringify(command)}, got ${r.error.code}: ${r.error.message}`);
    return r.value;
  }
  err(caller: Caller, command: unknown, code: ErrorCode) {
    const before = this.state.room;
    const r = this.run(caller, command);
    assert.equal(r.ok, false, `expected ${code} for ${JSON.stringify(command)}`);
    if (!r.ok) {
      assert.equal(r.error.code, code, r.error.message);
      assert.ok(r.error.message.length > 5, 'readable message');
    }
    assert.equal(this.state.room, before, 'a refusal leaves the room unchanged');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- error details are free-form JSON
    return (r as { ok: false; error: { details?: any; message: string } }).error;
  }
  advance(ms: number) {
    this.now += ms;
    return this.run({ id: 'system', role: 'system' }, { type: 'tick' });
  }
  get room() {
    return this.state.room;
  }
  /** host + n audience members joined */
  static withMembers(n: number, config: RoomConfigInput = {}) {
    const r = new Room(config);
    r.ok(r.as('host', 'host'), { type: 'join', name: 'Host' });
    for (let i = 1; i <= n; i++) r.ok(r.as(`u${i}`), { type: 'join', name: `User ${i}` });
    return r;
  }
}

export const host = { id: 'host', role: 'host' } as const;
export const user = (n: number) => ({ id: `u${n}`, role: 'audience' }) as const;
