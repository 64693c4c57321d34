/** Kinds of one-shot faults the emulator can inject. */
export type FaultKind = 'throttle' | 'internal-error' | 'drop-connection' | 'silence' | 'canned';

/** An answer sent as it is, in place of the emulator's own: what a wrong endpoint or a proxy answers. */
export interface CannedAnswer {
  status: number;
  /** Sent as they are, with Content-Length added unless they hold a Transfer-Encoding (then the body goes chunked). */
  headers?: Record<string, string>;
  body?: string;
}

/** Restricts a fault to requests of one Action (e.g. `AssumeRole`, `getSigninToken`); all requests when omitted. */
export interface FaultMatch {
  action?: string;
}

interface CountedFault {
  kind: FaultKind;
  remaining: number;
  action: string | undefined;
  canned?: CannedAnswer;
}

/** A counted fault as the server applies it. */
export interface TakenFault {
  kind: FaultKind;
  canned?: CannedAnswer;
}

interface DelayFault {
  ms: number;
  remaining: number;
  action: string | undefined;
}

/**
 * Fault injection for one emulator. Counted faults hit the next N matching requests, in the order they
 * were added; delays stack on top of whatever else happens. Clock skew lives on the emulator (`setClockOffset`).
 */
export class FaultController {
  private counted: CountedFault[] = [];
  private delays: DelayFault[] = [];

  private add(kind: FaultKind, count: number, match: FaultMatch | undefined, canned?: CannedAnswer): void {
    if (!Number.isInteger(count) || count < 1) throw new Error('fault count must be a positive integer');
    this.counted.push({ kind, remaining: count, action: match?.action, ...(canned ? { canned } : {}) });
  }

  /** The next `count` matching requests get 400 Throttling "Rate exceeded". */
  throttle(count = 1, match?: FaultMatch): void {
    this.add('throttle', count, match);
  }

  /** The next `count` matching requests get 500 InternalFailure. */
  internalError(count = 1, match?: FaultMatch): void {
    this.add('internal-error', count, match);
  }

  /** The next `count` matching requests have their connection destroyed without any response. */
  dropConnection(count = 1, match?: FaultMatch): void {
    this.add('drop-connection', count, match);
  }

  /** The next `count` matching requests are read and never answered (the connection stays open until closed). */
  silence(count = 1, match?: FaultMatch): void {
    this.add('silence', count, match);
  }

  /**
   * The next `count` matching requests get `answer` verbatim instead of the emulator's own: garbage, an HTML
   * page, an empty body, a redirect, a 404, or an STS-shaped answer a test wrote (e.g. an impossible Expiration).
   */
  answerWith(answer: CannedAnswer, count = 1, match?: FaultMatch): void {
    this.add('canned', count, match, answer);
  }

  /** Delays the answer to matching requests by `ms` (the next `count` of them, or all until cleared). */
  delay(ms: number, options: FaultMatch & { count?: number } = {}): void {
    if (!(ms >= 0)) throw new Error('delay must be >= 0 ms');
    this.delays.push({ ms, remaining: options.count ?? Number.POSITIVE_INFINITY, action: options.action });
  }

  /** Removes every pending fault. */
  clear(): void {
    this.counted = [];
    this.delays = [];
  }

  /** Number of counted faults still pending (delays excluded). */
  get pending(): number {
    return this.counted.reduce((n, f) => n + f.remaining, 0);
  }

  /** @internal Takes the counted fault for a request of `action`, if one matches. */
  take(action: string | undefined): TakenFault | undefined {
    const fault = this.counted.find((f) => f.action === undefined || f.action === action);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.counted = this.counted.filter((f) => f !== fault);
    return fault.canned ? { kind: fault.kind, canned: fault.canned } : { kind: fault.kind };
  }

  /** @internal Total delay (ms) for a request of `action`, consuming counted delays. */
  takeDelay(action: string | undefined): number {
    let total = 0;
    for (const d of this.delays) {
      if (d.action !== undefined && d.action !== action) continue;
      total += d.ms;
      d.remaining -= 1;
    }
    this.delays = this.delays.filter((d) => d.remaining > 0);
    return total;
  }
}
