// The OS keychain behind one SecretStore interface (macOS Keychain, Windows Credential Manager, a Secret Service):
// keytar in a killable helper process (runner.ts), Secret Service reads over D-Bus from JavaScript (secret-service.ts).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { RolebarError } from '../../domain/errors.js';
import { type HelperKeytar, type StartHelper, helperKeytar } from './runner.js';
import { secretServiceReader } from './secret-service.js';

import { DEFAULT_KEYCHAIN_SERVICE } from './names.js';

export { DEFAULT_KEYCHAIN_SERVICE, keychainServiceOf } from './names.js';

/** How long a keychain call may take before we call the keychain unreachable (a locked collection can wait on a prompt nobody sees). */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 5_000;
/** After a keychain call timed out, how long the same store fails at once before it asks the keychain again. */
const UNANSWERED_PAUSE_MS = 30_000;
/**
 * How long the keychain helper process may take to start. Starting it is our own work, not the keychain's: on a
 * busy machine it can take seconds, and counting it against the call's bound made a slow start look like a
 * keychain that never answers.
 */
const HELPER_START_MS = 20_000;

/** The few keytar calls we use: the native module's own signatures. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** Secrets stored by account name under one service. The interface the rest of Rolebar depends on. */
export interface SecretStore {
  readonly service: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Resolves true when an entry was removed, false when there was none. */
  delete(account: string): Promise<boolean>;
  /** Account names only: listing never reads secrets out. */
  list(): Promise<string[]>;
  /**
   * Many entries at once where the keychain can do better than one call after another (the keychain file: one
   * write); `setAll` and `deleteAll` below use it when present. Not all or nothing: callers journal the names.
   */
  setMany?(entries: ReadonlyArray<readonly [account: string, secret: string]>): Promise<void>;
  deleteMany?(accounts: readonly string[]): Promise<void>;
}

export type KeychainFailure =
  | 'no-session-bus'
  | 'no-secret-service'
  | 'locked'
  | 'timeout'
  | 'not-installed'
  | 'failed'
  // The encrypted keychain file's (file-store.ts): no passphrase to open it with, the wrong one, a damaged file,
  // a file from a newer Rolebar.
  | 'file-locked'
  | 'wrong-passphrase'
  | 'damaged'
  | 'newer';

/** The keychain cannot be used right now; `hint` tells the user what to install or unlock. */
export class KeychainUnavailableError extends RolebarError {
  readonly reason: KeychainFailure;
  constructor(reason: KeychainFailure, message: string, hint: string, cause?: unknown) {
    super(`keychain-${reason}`, message, { hint, cause, context: { reason } });
    this.reason = reason;
  }
}

const LINUX_INSTALL_HINT =
  'Install and start a Secret Service such as GNOME Keyring (as root, or with sudo: apt-get install -y gnome-keyring) and log in to a desktop session, or run Rolebar inside one. Where there is none (ssh, WSL, a container, CI), Rolebar can keep its secrets in an encrypted file instead: set ROLEBAR_KEYCHAIN=file and run `rolebar keychain unlock`.';

/**
 * The Debian packages that build keytar when no prebuilt copy can be downloaded: libsecret's headers, and
 * node-gyp's Python, make, C++ compiler and pkg-config. keytar is an optional dependency, so `npm install` goes on
 * without it; the first keychain write then names this list (and `npm test`'s prerequisites include it).
 */
export const KEYTAR_BUILD_PACKAGES = ['libsecret-1-dev', 'python3', 'make', 'g++', 'pkg-config'] as const;

export interface KeychainOptions {
  service?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The keytar module; loaded on first use when not given. */
  keytar?: KeytarLike;
  /**
   * keytar in this process, not in a helper: for the small credential-process entry, where starting a helper
   * would cost as much as the whole answer. A keytar call that hangs then holds the process (its caller must end
   * it). Reads on Linux go over D-Bus from JavaScript whatever this says, and cannot hang that way.
   */
  inProcess?: boolean;
  /**
   * How to start the helper process keytar runs in (see keychain-runner.ts). Default: Node's fork; inside
   * Electron, where fork would start a second app, keytar runs in process unless the app passes its own.
   */
  startHelper?: StartHelper;
}

const LOCKED_HINT_LINUX =
  'Unlock your login keyring: in a desktop session open "Passwords and Keys" (Seahorse) and unlock "Login"; without a display, run `gnome-keyring-daemon --unlock`, type the keyring password and press Ctrl-D. Then try again.';

/** The keytar to use when none is injected: in a helper process when one can be started, else in process. */
function defaultKeytar(options: KeychainOptions): KeytarLike | HelperKeytar {
  if (options.startHelper) return helperKeytar(options.startHelper);
  if (process.versions.electron || options.inProcess) return loadKeytar();
  return helperKeytar();
}

/**
 * Whether the Secret Service's default collection is locked (libsecret then answers "no such entry" rather
 * than failing), asked over D-Bus with dbus-send; undefined when that cannot be told within 2 s.
 */
async function defaultCollectionLocked(env: NodeJS.ProcessEnv): Promise<boolean | undefined> {
  const { execFile } = await import('node:child_process'); // only when a read found nothing: not at start
  const args = [
    '--session',
    '--print-reply',
    '--reply-timeout=2000',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets/aliases/default',
    'org.freedesktop.DBus.Properties.Get',
    'string:org.freedesktop.Secret.Collection',
    'string:Locked',
  ];
  return new Promise((resolve) => {
    execFile('dbus-send', args, { env, timeout: 2_500 }, (error, stdout) => {
      if (error) return resolve(undefined);
      resolve(/boolean true/.test(stdout) ? true : /boolean false/.test(stdout) ? false : undefined);
    });
  });
}

/**
 * Opens the OS keychain (macOS Keychain, Windows Credential Manager, a Secret Service on Linux)
 * through keytar. Every call fails fast with a KeychainUnavailableError rather than hanging
 * when no Secret Service is reachable, the collection is locked, or the call does not return in time.
 */
export function openKeychain(options: KeychainOptions = {}): SecretStore {
  const service = options.service ?? DEFAULT_KEYCHAIN_SERVICE;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  let keytar: KeytarLike | HelperKeytar | undefined = options.keytar;
  const bound = callBound(timeoutMs, platform);

  // Linux outside the app: reads go straight to the Secret Service over D-Bus (secret-service.ts), with no
  // helper process to start; everything else, and every other platform, goes through keytar.
  const reader =
    platform === 'linux' && !options.keytar && !options.startHelper && !process.versions.electron
      ? secretServiceReader(env)
      : undefined;

  /** The checks every call makes first: a session bus to talk to, and no recent unanswered call. */
  function precheck(): void {
    if (platform === 'linux') assertSessionBus(env);
    bound.check();
  }

  /** Runs a keytar call (starting its helper first, outside the call's bound). */
  async function viaKeytar<T>(operation: string, run: (k: KeytarLike) => Promise<T>): Promise<T> {
    precheck();
    keytar ??= defaultKeytar(options);
    const k = keytar;
    if ('ready' in k) await helperStarted(k, platform);
    // A helper stuck in libsecret is killed, so nothing hung outlives the call.
    return bound.run(
      operation,
      () => run(k),
      () => ('reset' in k ? k.reset() : undefined),
    );
  }

  /** Reads one entry: through the Secret Service reader where there is one, else through keytar. */
  async function read(account: string): Promise<string | null> {
    if (!reader) return viaKeytar('read', (k) => k.getPassword(service, account));
    precheck();
    return bound.run(
      'read',
      () => reader.getPassword(service, account),
      () => reader.reset(),
    );
  }

  /** True when a Linux keyring (not an injected fake) says it is locked. */
  const isLocked = async () =>
    platform === 'linux' && !options.keytar && (await defaultCollectionLocked(env)) === true;

  /**
   * A locked keyring answers "no such entry", or fails in odd ways (keytar's listing even crashes): say it is
   * locked, and how to unlock it, rather than sending the user to re-enter keys. Timeouts keep their own
   * message (it already names the lock), so the whole call stays well inside its bound.
   */
  async function unlessLocked<T>(attempt: () => Promise<T>, isEmpty: (value: T) => boolean): Promise<T> {
    let value: T;
    try {
      value = await attempt();
    } catch (error) {
      const recheck =
        error instanceof KeychainUnavailableError && (error.reason === 'failed' || error.reason === 'locked');
      if (recheck && error.reason !== 'locked' && (await isLocked())) throw lockedError(error);
      throw error;
    }
    if (isEmpty(value) && (await isLocked())) throw lockedError();
    return value;
  }

  return {
    service,
    get: (account) =>
      unlessLocked(
        () => read(checkAccount(account)),
        (secret) => secret === null,
      ),
    set: async (account, secret) => {
      if (secret.length === 0)
        throw new RolebarError('keychain-empty-secret', 'Refusing to store an empty secret.');
      return viaKeytar('write', (k) => k.setPassword(service, checkAccount(account), secret));
    },
    delete: (account) => viaKeytar('delete', (k) => k.deletePassword(service, checkAccount(account))),
    list: () =>
      unlessLocked(
        () =>
          viaKeytar('list', async (k) =>
            (await k.findCredentials(service)).map((entry) => entry.account).sort(),
          ),
        (names) => names.length === 0,
      ),
  };
}

/**
 * The bound on each keychain call. After a call times out, the next ones fail at once for a while instead of
 * each waiting out the bound again (an add that fails would otherwise wait twice: once for the write, once for
 * taking it back).
 */
function callBound(timeoutMs: number, platform: NodeJS.Platform) {
  let unanswered: { until: number; error: KeychainUnavailableError } | undefined;
  return {
    /** Throws the last timeout while its pause lasts. */
    check(): void {
      if (unanswered && Date.now() < unanswered.until) throw unanswered.error;
    },
    /** Runs `run` within the bound; on timeout `abandon` ends what hangs, and later calls fail at once. */
    async run<T>(operation: string, run: () => Promise<T>, abandon: () => void): Promise<T> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abandon();
          const error = new KeychainUnavailableError(
            'timeout',
            `The keychain did not answer within ${Math.round(timeoutMs / 1000)} s (${operation}).`,
            platform === 'linux'
              ? `The D-Bus session or the keyring daemon is not answering, or an unlock prompt is waiting where nobody sees it. ${LOCKED_HINT_LINUX}`
              : 'Unlock your keychain and try again.',
          );
          unanswered = { until: Date.now() + UNANSWERED_PAUSE_MS, error };
          reject(error);
        }, timeoutMs);
      });
      try {
        return await Promise.race([run(), timeout]);
      } catch (error) {
        throw toKeychainError(error, operation, platform);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Waits for the helper to listen, within its own bound; a helper that cannot start is reported as such. */
async function helperStarted(k: HelperKeytar, platform: NodeJS.Platform): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      k.reset();
      reject(
        new KeychainUnavailableError(
          'timeout',
          `The keychain helper process did not start within ${HELPER_START_MS / 1000} s.`,
          'The computer may be very busy. Try again in a moment; if it keeps happening, reinstall Rolebar.',
        ),
      );
    }, HELPER_START_MS);
  });
  try {
    await Promise.race([k.ready(), slow]);
  } catch (error) {
    throw toKeychainError(error, 'start', platform);
  } finally {
    clearTimeout(timer);
  }
}

function lockedError(cause?: unknown): KeychainUnavailableError {
  return new KeychainUnavailableError(
    'locked',
    'The keychain (login keyring) is locked, so Rolebar cannot use its entries.',
    LOCKED_HINT_LINUX,
    cause,
  );
}

function checkAccount(account: string): string {
  if (account.length === 0 || account.length > 256 || /[\0\r\n]/.test(account)) {
    throw new RolebarError(
      'keychain-bad-account',
      'A keychain entry name must be 1-256 characters on one line.',
    );
  }
  return account;
}

/** libsecret reaches the Secret Service over the D-Bus session bus; without one it can only fail or hang. */
function assertSessionBus(env: NodeJS.ProcessEnv): void {
  if (env.DBUS_SESSION_BUS_ADDRESS) return;
  if (env.XDG_RUNTIME_DIR && existsSync(path.join(env.XDG_RUNTIME_DIR, 'bus'))) return;
  throw new KeychainUnavailableError(
    'no-session-bus',
    'No D-Bus session bus is running, so the keychain (Secret Service) cannot be reached.',
    LINUX_INSTALL_HINT,
  );
}

function loadKeytar(): KeytarLike {
  try {
    // keytar is a native CommonJS module; loading it lazily keeps start-up fast for commands that never touch secrets.
    return createRequire(import.meta.url)('keytar') as KeytarLike;
  } catch (error) {
    throw notInstalled(error);
  }
}

function notInstalled(cause: unknown): KeychainUnavailableError {
  // npm skips an optional dependency it cannot build, so this is where a missing libsecret shows: one line.
  const hint =
    process.platform === 'linux'
      ? `As root, or with sudo, run \`apt-get install -y ${KEYTAR_BUILD_PACKAGES.join(' ')}\`, then \`npm install\` again in Rolebar's folder.`
      : "Run `npm install` again in Rolebar's folder (it builds keytar when no prebuilt copy can be downloaded).";
  return new KeychainUnavailableError(
    'not-installed',
    'The keychain module (keytar) is not installed: npm install skips it when it cannot be built.',
    hint,
    cause,
  );
}

/** Maps libsecret's, Keychain's and Credential Manager's failures to one typed error with advice. */
function toKeychainError(error: unknown, operation: string, platform: NodeJS.Platform): Error {
  if (error instanceof RolebarError) return error;
  if (error instanceof Error && error.name === 'KeytarNotInstalled') return notInstalled(error);
  const text = error instanceof Error ? error.message : String(error);
  if (/not provided by any \.service files|ServiceUnknown|org\.freedesktop\.secrets/i.test(text)) {
    return new KeychainUnavailableError(
      'no-secret-service',
      'No Secret Service (keychain daemon) is running on the D-Bus session.',
      LINUX_INSTALL_HINT,
      error,
    );
  }
  if (/autolaunch|D-Bus|dbus|Could not connect/i.test(text)) {
    return new KeychainUnavailableError(
      'no-session-bus',
      'The D-Bus session bus could not be reached, so the keychain cannot be used.',
      LINUX_INSTALL_HINT,
      error,
    );
  }
  // "Object does not exist at path …/collection/login": the daemon runs but has no unlocked login keyring.
  if (/locked|dismissed|cancel|prompt|interaction|Object does not exist at path|-128|-25308/i.test(text)) {
    return new KeychainUnavailableError(
      'locked',
      'The keychain is locked, or has no login keyring to store into.',
      platform === 'linux' ? LOCKED_HINT_LINUX : 'Unlock your keychain and try again.',
      error,
    );
  }
  // The OS's own text names the failure, never a secret: keytar does not echo stored values.
  return new KeychainUnavailableError(
    'failed',
    `The keychain refused to ${operation}: ${text}`,
    'Check that your keychain is unlocked and working, then try again.',
    error,
  );
}
