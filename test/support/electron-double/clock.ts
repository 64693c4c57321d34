// A clock the test can move forward inside the app's process: Date (and Date.now) and setTimeout read "real time
// plus an offset", and moving the offset fires every timer that has become due, as if that much time had passed
// with the machine awake. Everything in the process shares it — the scheduler, the tray's countdown, the demo's
// STS emulator and the SDK's request signing — so nothing sees two different times.

const RealDate = Date;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
let offsetMs = 0;
/** While asleep no timer runs (new ones wait too), as on a machine that sleeps; moving the clock awake wakes it. */
let asleep = false;

const now = (): number => RealDate.now() + offsetMs;

interface Pending {
  due: number;
  run: () => void;
  real: NodeJS.Timeout;
  referenced: boolean;
}

/** The handle setTimeout returns: it keeps Node's Timeout methods and survives re-arming. */
class VirtualTimeout {
  private static nextId = 1;
  readonly id = VirtualTimeout.nextId++;
  constructor(
    readonly pending: Pending,
    private readonly delay: number,
  ) {}
  ref(): this {
    this.pending.referenced = true;
    this.pending.real.ref();
    return this;
  }
  unref(): this {
    this.pending.referenced = false;
    this.pending.real.unref();
    return this;
  }
  hasRef(): boolean {
    return this.pending.referenced;
  }
  refresh(): this {
    this.pending.due = now() + this.delay;
    arm(this);
    return this;
  }
  close(): this {
    cancel(this);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

const pending = new Set<VirtualTimeout>();

function arm(timeout: VirtualTimeout): void {
  const entry = timeout.pending;
  realClearTimeout(entry.real);
  pending.add(timeout);
  if (asleep) return;
  entry.real = realSetTimeout(
    () => {
      pending.delete(timeout);
      entry.run();
    },
    Math.max(0, entry.due - now()),
  );
  if (!entry.referenced) entry.real.unref();
}

function cancel(timeout: VirtualTimeout): void {
  realClearTimeout(timeout.pending.real);
  pending.delete(timeout);
}

function virtualSetTimeout(
  callback: (...args: unknown[]) => void,
  ms = 0,
  ...args: unknown[]
): VirtualTimeout {
  const delay = Math.max(0, Number(ms) || 0);
  const entry: Pending = {
    due: now() + delay,
    run: () => callback(...args),
    real: realSetTimeout(() => undefined, 0),
    referenced: true,
  };
  const timeout = new VirtualTimeout(entry, delay);
  arm(timeout);
  return timeout;
}

function virtualClearTimeout(handle: unknown): void {
  if (handle instanceof VirtualTimeout) return cancel(handle);
  for (const timeout of pending) if (timeout.id === handle) return cancel(timeout);
  // A Timeout from `node:timers` itself (not replaced): Node's own clearTimeout takes it.
  Reflect.apply(realClearTimeout, undefined, [handle]);
}

/** Puts the virtual clock in place of Date and setTimeout; call before the app's code loads. */
export function installVirtualClock(): void {
  const VirtualDate = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      Reflect.construct(target, args.length ? args : [now()], newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, property, receiver) => (property === 'now' ? now : Reflect.get(target, property, receiver)),
  });
  Object.assign(globalThis, {
    Date: VirtualDate,
    setTimeout: virtualSetTimeout,
    clearTimeout: virtualClearTimeout,
  });
}

/**
 * Moves the clock forward by `ms`. Awake, every timer now due fires (in due order, on the next turns). Asleep,
 * the process sleeps: no timer runs until the clock is next moved awake (`advanceClock(0)` wakes it), so what
 * happens in between (a 'resume' the test emits) is the app's own doing.
 */
export function advanceClock(ms: number, sleep = false): void {
  if (!(ms >= 0)) throw new RangeError('the clock only moves forward');
  offsetMs += ms;
  asleep = sleep;
  for (const timeout of [...pending].sort((a, b) => a.pending.due - b.pending.due)) arm(timeout);
}
