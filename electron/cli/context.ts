// What the commands share: opening the core (or, to list, the lighter view), finding roles and identities by
// name, and assuming with the CLI's MFA rules (a prompt on a terminal, a clear failure otherwise). The core is
// import()ed when a command opens it: a listing loads none of the engine, STS or keychain code
// (test/cli/lazy-load.test.ts).
import type { AssumeOutcome } from '../core/sessions/assume.js';
import type { RolebarCore } from '../core/index.js';
import { openView, type RolebarView } from '../core/view.js';
import { RolebarError } from '../core/domain/errors.js';
import { localTime } from '../core/domain/local-time.js';
import { type Identity, profileNameOf, type Role } from '../core/domain/model.js';
import type { LiveOutcome } from '../core/sessions/layer.js';
import { timeLeftMs } from '../core/domain/session-live.js';
import { type Io, paint, withSpinner } from './output.js';
import { DEMO_SECRETS_VARIABLE } from '../core/features/demo/variables.js';
import { askKeychainPassphrase, promptLine } from './prompt.js';
import { closest } from './suggest.js';

/**
 * Opens the core over the user's settings, keychain and AWS files, runs `work`, and closes kept sockets. A locked
 * keychain file's passphrase is asked for on a terminal, unless `noPrompt` (credential_process, whose stderr the
 * AWS CLI captures: a prompt there would hang unseen).
 */
export async function withCore<T>(
  io: Io,
  work: (core: RolebarCore) => Promise<T>,
  options: { noPrompt?: boolean } = {},
): Promise<T> {
  const { openCore } = await import('../core/index.js');
  const core = openCore(io.env, {}, io.interactive && !options.noPrompt ? askKeychainPassphrase : undefined);
  try {
    // credential_process (noPrompt) only serves: it leaves what a killed import left to the next command.
    if (!options.noPrompt) await finishImportCutShort(core, io);
    return await work(core);
  } finally {
    core.close();
  }
}

/**
 * Opens the listing view (what Rolebar remembers, the keychain opened on first use) and runs `work`. An import
 * cut short is finished first, as by any command: through the core, which is loaded only then.
 */
export async function withView<T>(io: Io, work: (view: RolebarView) => Promise<T>): Promise<T> {
  const view = openView(io.env, io.interactive ? askKeychainPassphrase : undefined);
  if (importCutShort(view.settings)) await withCore(io, async () => undefined);
  return work(view);
}

/**
 * A change killed part-way (an import, a key rotation) left intents in the journal: any command settles them, so
 * what Rolebar holds and the user's files agree whatever they run next. Before its commit an import's secrets go
 * again; after it, the ~/.aws edits it journaled are made. Nothing is loaded while the journal is empty; a
 * failure is reported and the command goes on (the journal keeps it for the next one).
 */
async function finishImportCutShort(core: RolebarCore, io: Io): Promise<void> {
  if (!importCutShort(core.settings)) return;
  const { settleInterruptedImport } = await import('../core/features/import/import.js');
  try {
    const finished = await settleInterruptedImport(core);
    if (finished > 0) io.err('rolebar: finished the ~/.aws edits of an import that was cut short.');
  } catch (error) {
    const reason = error instanceof RolebarError ? error.toUserString() : String(error);
    io.err(`rolebar: could not settle a change that was cut short (tried again next time): ${reason}`);
  }
}

/** Whether an import left journaled edits to finish. */
function importCutShort(settings: RolebarView['settings']): boolean {
  return (settings.read().keychainIntents?.length ?? 0) > 0;
}

/** The AWS files' location, as the core's writers and readers take it. */
export function awsLocation(io: Io): { env: NodeJS.ProcessEnv; homedir?: string } {
  return io.env.HOME ? { env: io.env, homedir: io.env.HOME } : { env: io.env };
}

/** A role by id, label or profile name, or by its ARN when exactly one role has it. */
export function findRole(core: Pick<RolebarCore, 'roles'>, key: string): Role {
  const role =
    core.roles.find(key) ??
    (() => {
      const byArn = core.roles.list().filter((r) => r.roleArn === key);
      return byArn.length === 1 ? byArn[0] : undefined;
    })();
  if (!role) {
    const match = closest(
      key,
      core.roles.list().flatMap((r) => [r.label, profileNameOf(r)]),
    );
    throw new RolebarError('role-not-found', `No role "${key}".`, {
      hint: `${match === undefined ? '' : `Did you mean "${match}"? `}'rolebar role list' shows your roles; 'rolebar role add' adds one.`,
    });
  }
  return role;
}

/** An identity by id or name. */
export function findIdentity(core: RolebarCore, key: string): Identity {
  const identity = core.identities.find(key);
  if (!identity) {
    const match = closest(
      key,
      core.identities.list().map((i) => i.name),
    );
    throw new RolebarError('identity-not-found', `No identity "${key}".`, {
      hint: `${match === undefined ? '' : `Did you mean "${match}"? `}'rolebar identity list' shows your identities.`,
    });
  }
  return identity;
}

/** What the CLI may do when a code is needed. */
export interface MfaChoice {
  mfaCode?: string | undefined;
  force?: boolean | undefined;
  /** Never prompt, even on a terminal (credential-process). */
  noPrompt?: boolean;
}

/**
 * Runs a switch or a renewal; when a code is needed and none was given, asks for it on a terminal (the role's
 * lock is not held while asking), else fails with a line that says how to pass one. Notices go to stderr.
 */
async function withMfa<T extends { notices: string[] }>(
  io: Io,
  label: string,
  choice: MfaChoice,
  run: (options: { mfaCode: string | undefined; force: boolean }) => Promise<T>,
): Promise<T> {
  const attempt = (mfaCode: string | undefined) =>
    withSpinner(io, label, () => run({ mfaCode, force: choice.force === true }));
  let outcome: T;
  try {
    outcome = await attempt(choice.mfaCode);
  } catch (error) {
    // Loaded with the core, which is open by now.
    const { MfaRequiredError } = await import('../core/sessions/assume.js');
    if (!(error instanceof MfaRequiredError) || choice.mfaCode !== undefined) throw error;
    if (choice.noPrompt || !io.interactive) {
      throw new RolebarError('mfa-required', error.message, {
        hint: `Pass --mfa-code with the current 6-digit code of ${error.serial} (stdin is not a terminal, so Rolebar cannot ask).`,
      });
    }
    // An MFA code is not a secret (it is worthless in a minute): show it, so typos can be seen.
    // The demo's device is fake: say where its code is.
    const demo = io.env[DEMO_SECRETS_VARIABLE] ? " (the demo's: 'rolebar demo code' prints it)" : '';
    const code = await promptLine(`MFA code for ${error.serial}${demo}: `);
    outcome = await attempt(code);
  }
  for (const notice of outcome.notices) io.err(paint(io.colourErr, 'dim', `rolebar: ${notice}`));
  return outcome;
}

/** Switches to a role (a new session), with the CLI's MFA rules. */
export function assumeWithMfa(
  core: RolebarCore,
  io: Io,
  role: Role,
  choice: MfaChoice = {},
): Promise<AssumeOutcome> {
  return withMfa(io, `Assuming ${role.label}…`, choice, (options) => core.assumeRole(role.id, options));
}

/**
 * The role's session if it has more than `marginMs` left on AWS's clock, else a new one (same MFA rules as
 * `assume`); one renewal per role at a time, across processes.
 */
export function liveSession(
  core: RolebarCore,
  io: Io,
  role: Role,
  choice: MfaChoice,
  marginMs: number,
): Promise<LiveOutcome> {
  return withMfa(io, `Getting a session for ${role.label}…`, choice, (options) =>
    core.renew(role.id, { ...options, marginMs }),
  );
}

/** `14:32 CET (59 min left)`: an expiry for a person, in local time with its zone (as `date` shows it). */
export function describeExpiry(expiration: string | Date, clockOffsetMs = 0): string {
  const at = typeof expiration === 'string' ? new Date(expiration) : expiration;
  const left = timeLeftMs({ expiration: at, clockOffsetMs }, Date.now());
  const minutes = Math.max(0, Math.floor(left / 60_000));
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return `${localTime(at)} (${left > 0 ? `${text} left` : 'expired'})`;
}
