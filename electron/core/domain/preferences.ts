/**
 * The one definition of the user's preferences: their type, their defaults, and one rule per field. The settings
 * file's schema (store/settings-schema.ts), the IPC validator (ipc/validate.ts preferencesPatch), the stored
 * preferences parser (store/records.ts) and the window's Settings screen all take what they check from here.
 * Browser-safe: no Node or Electron reference.
 */
import * as limits from './limits.js';

/** The themes the window offers. */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** What the user chooses in Settings. */
export interface Preferences {
  /** Minutes before expiry at which an alert fires, most distant first. */
  alertThresholdsMin: number[];
  /** Minutes before expiry at which sessions that need no new MFA code are renewed. */
  refreshMarginMin: number;
  /** Seconds after which a copied snippet is cleared from the clipboard, if it is still there; 0 keeps it. */
  clipboardClearSeconds: number;
  notifications: boolean;
  launchAtLogin: boolean;
  theme: Theme;
  /** Serve the active role's credentials to programs on a local endpoint (off by default). */
  serveEndpoint: boolean;
  /** Days after which an IAM user's access key counts as old (absent: DEFAULT_KEY_AGE_WARNING_DAYS). */
  keyAgeWarningDays?: number;
}

/** The key age warning's threshold when the user has not set one: the CIS benchmark's 90 days. */
export const DEFAULT_KEY_AGE_WARNING_DAYS = 90;

/** The preferences a new settings file starts with; a field absent here has no default (see its doc). */
export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  alertThresholdsMin: [15, 5, 1],
  refreshMarginMin: 10,
  clipboardClearSeconds: 60,
  notifications: true,
  launchAtLogin: false,
  theme: 'system',
  serveEndpoint: false,
});

/** How one preference is checked: the kind follows from the field's type (RuleFor). */
export type PreferenceRule =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'int'; readonly range: limits.IntRange }
  /** A list of at most MAX_ALERT_THRESHOLDS, each inside alertThresholdMin. */
  | { readonly kind: 'thresholds' }
  | { readonly kind: 'choice'; readonly choices: readonly string[] };

/** The rule a field of type T takes (tuples keep a union such as Theme from being split). */
type RuleFor<T> = [T] extends [boolean]
  ? { readonly kind: 'boolean' }
  : [T] extends [number[]]
    ? { readonly kind: 'thresholds' }
    : [T] extends [number]
      ? { readonly kind: 'int'; readonly range: limits.IntRange }
      : [T] extends [string]
        ? { readonly kind: 'choice'; readonly choices: readonly T[] }
        : never;

/**
 * Each preference's rule, and whether every settings file (format 1.0.0 on) holds it: a field added later is
 * not required of a file, and gets its default when read. Typed by Preferences, so a field cannot be missed.
 */
export const PREFERENCE_RULES: {
  readonly [K in keyof Preferences]-?: RuleFor<NonNullable<Preferences[K]>> & {
    readonly inEveryFile: boolean;
  };
} = {
  alertThresholdsMin: { kind: 'thresholds', inEveryFile: true },
  refreshMarginMin: { kind: 'int', range: limits.refreshMarginMin, inEveryFile: true },
  clipboardClearSeconds: { kind: 'int', range: limits.clipboardClearSeconds, inEveryFile: true },
  notifications: { kind: 'boolean', inEveryFile: true },
  launchAtLogin: { kind: 'boolean', inEveryFile: true },
  theme: { kind: 'choice', choices: THEMES, inEveryFile: true },
  serveEndpoint: { kind: 'boolean', inEveryFile: false },
  keyAgeWarningDays: { kind: 'int', range: limits.keyAgeWarningDays, inEveryFile: false },
};

/** The preferences' fields with their rules, in the order the table lists them. */
export function preferenceRules(): Array<[keyof Preferences, PreferenceRule & { inEveryFile: boolean }]> {
  return Object.entries(PREFERENCE_RULES) as Array<
    [keyof Preferences, PreferenceRule & { inEveryFile: boolean }]
  >;
}

/** True for a theme the window offers. */
export function isTheme(value: unknown): value is Theme {
  return (THEMES as readonly unknown[]).includes(value);
}
