/*
 * A fake clock for the lock (platform/lock.ts's LockClock): time moves only when a waiter sleeps or the test
 * runs the clock, so a 30-second hold takes no real time. It also proves that nothing spins: reading the time
 * more than SPIN_LIMIT times without a sleep in between throws, where a busy loop would otherwise hang the test.
 */
import type { LockClock } from '../../electron/core/platform/lock.js';

/** Reads of the time between two sleeps beyond which the code under test is spinning. */
const SPIN_LIMIT = 200;

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** A LockClock whose time the test drives; `sleeps` counts every sleep taken (sync or async). */
export class FakeClock implements LockClock {
  sleeps = 0;
  /** Repeating timers (`every`) not stopped yet. */
  intervals = 0;
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private readsSinceSleep = 0;

  constructor(start = Date.parse('2026-11-28T10:00:00Z')) {
    this.t = start;
  }

  now(): number {
    if (++this.readsSinceSleep > SPIN_LIMIT)
      throw new Error(`spinning: the time was read ${SPIN_LIMIT} times without a sleep`);
    return this.t;
  }

  /** The time, for the test's own use (not counted as a read by the code under test). */
  get time(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.slept();
    return new Promise((resolve) => this.at(this.t + ms, resolve));
  }

  sleepSync(ms: number): void {
    this.slept();
    this.t += ms; // nothing else runs while a thread is blocked: time simply passes
  }

  every(ms: number, fn: () => void): () => void {
    let stopped = false;
    this.intervals++;
    const tick = () => {
      if (stopped) return;
      fn();
      this.at(this.t + ms, tick);
    };
    this.at(this.t + ms, tick);
    return () => {
      if (!stopped) this.intervals--;
      stopped = true;
    };
  }

  /**
   * Lets the promises settle, then moves time to each timer in turn, until `done()` or `limitMs` of fake time
   * passed. Throws when nothing is left to wait for and `done()` is still false (a deadlock).
   */
  async run(done: () => boolean, limitMs = 600_000): Promise<void> {
    const end = this.t + limitMs;
    for (;;) {
      await settle();
      if (done()) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error('nothing left to wait for, and not done');
      if (next.at > end) throw new Error(`not done after ${limitMs} ms of fake time`);
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
  }

  private at(when: number, fire: () => void): void {
    this.timers.push({ at: when, seq: this.seq++, fire });
  }

  private slept(): void {
    this.sleeps++;
    this.readsSinceSleep = 0;
  }
}

/** Runs every pending promise continuation (the lock's file calls are synchronous, so one turn is enough). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
