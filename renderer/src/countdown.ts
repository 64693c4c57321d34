/**
 * Live session clocks. Each clock element is bound to a session; one ticker updates them all, only while the
 * window is visible, waking exactly when a displayed second changes (no polling, no work when hidden).
 * The arithmetic is the core's own pure sessionCountdown (and "live" is the core's isLive, with the clock offset
 * applied once, there), so the tray, the CLI and the window agree.
 */
import {
  type ClockSession,
  type ClockSettings,
  DEFAULT_CLOCK_SETTINGS,
  sessionCountdown,
} from '../../electron/core/domain/session-clock.js';

interface Binding {
  el: HTMLElement;
  session: ClockSession;
  which: 'credentials' | 'mfa';
  /** Seen at zero already (a clock drawn at zero, e.g. for an ended session, does not ask for a redraw). */
  ended: boolean;
}

const bindings = new Set<Binding>();
let settings: ClockSettings = DEFAULT_CLOCK_SETTINGS;
let timer = 0;
let now: () => number = () => Date.now();
let ended: () => void = () => undefined;

/** The window's clock: Date.now(), or the one a test or bench passed to startTicker. */
export function clockNow(): number {
  return now();
}

/** A `role=timer` element showing one clock of `session`, kept live by the ticker. */
export function clockElement(session: ClockSession, which: 'credentials' | 'mfa'): HTMLElement {
  const el = document.createElement('span');
  el.setAttribute('role', 'timer');
  el.className = 'clock';
  // Which clock it is, for the style: the session's runs out first, so it is the larger one.
  el.dataset.which = which;
  const binding: Binding = { el, session, which, ended: false };
  bindings.add(binding);
  const remaining = paint(binding, now());
  binding.ended = remaining <= 0;
  if (!timer && remaining > 0) arm(remaining % 1000 || 1000);
  return el;
}

/** Forgets every clock (before the list they live in is drawn again). */
export function resetClocks(): void {
  bindings.clear();
}

/** The alert thresholds the clock colours follow (the user's preferences). */
export function setClockSettings(next: ClockSettings): void {
  settings = next;
}

/**
 * Starts following the page's visibility; call once. `clock` is for tests and benches. `onEnded` runs when a
 * shown clock reaches zero, so the page redraws: the session is no longer live, nor active (the core's rule).
 */
export function startTicker(
  clock: () => number = () => Date.now(),
  onEnded: () => void = () => undefined,
): void {
  now = clock;
  ended = onEnded;
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      update();
      schedule();
    } else stop();
  });
}

function paint(binding: Binding, at: number): number {
  const reading = sessionCountdown(binding.session, at, settings)[binding.which];
  if (!reading) return Infinity;
  if (binding.el.textContent !== reading.text) binding.el.textContent = reading.text;
  const cls = `clock clock-${reading.state}`;
  if (binding.el.className !== cls) binding.el.className = cls;
  return reading.remainingMs;
}

/** Repaints every bound clock; returns ms until the soonest displayed second changes. */
function update(): number {
  const at = now();
  let next = Infinity;
  let endedNow = false;
  for (const binding of bindings) {
    const remaining = paint(binding, at);
    // The text rounds up to the second, so it changes when `remaining` crosses a multiple of 1000.
    if (remaining > 0) next = Math.min(next, remaining % 1000 || 1000);
    else if (binding.which === 'credentials' && !binding.ended) endedNow = binding.ended = true;
  }
  if (endedNow) queueMicrotask(ended);
  return next;
}

function schedule(): void {
  if (timer) return;
  const delay = update();
  if (delay !== Infinity) arm(delay);
}

function arm(delay: number): void {
  if (document.visibilityState !== 'visible') return;
  timer = window.setTimeout(() => {
    timer = 0;
    schedule();
  }, delay + 5);
}

function stop(): void {
  window.clearTimeout(timer);
  timer = 0;
}
