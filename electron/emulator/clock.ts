/** A source of "now" in epoch milliseconds. The emulator never calls Date.now() directly. */
export interface Clock {
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: handy for tests and for a deterministic demo. */
export interface ManualClock extends Clock {
  /** Moves the clock forward (or backward, with a negative value) by `ms`. */
  advance(ms: number): void;
  /** Sets the clock to an absolute epoch-milliseconds value. */
  set(ms: number): void;
}

/** Creates a {@link ManualClock} starting at `startMs` (default: the current wall-clock time). */
export function createManualClock(startMs: number = Date.now()): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
    set: (ms: number) => {
      current = ms;
    },
  };
}

/** Formats epoch ms as a SigV4 timestamp: `20240101T000000Z`. */
export function toAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses a SigV4 timestamp (`20240101T000000Z`); returns NaN when malformed. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Formats epoch ms the way STS formats `Expiration`: ISO 8601 without milliseconds. */
export function toIsoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
