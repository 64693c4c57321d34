// A switch: the MFA decision, the chain folded over its hops (hops.ts, each link wrapping the one before, the
// identity's credential source at the bottom), then the profile write and the session record, in that order.
import { type WriteProfileResult, writeProfile } from '../aws-files/index.js';
import {
  hopMfaKinds,
  MfaRequiredError,
  mfaSerialOf,
  planMfa,
  sessionRecordOf,
  skewNotice,
} from './assume-steps.js';
import { RolebarError } from '../domain/errors.js';
import { liveMfaSession } from './mfa-session.js';
import { checkMfaCode, profileNameOf } from '../domain/model.js';
import type { AfterStep } from '../platform/atomic.js';
import type { SessionRecord } from '../store/sessions.js';
import type { TemporaryCredentials } from '../aws/sts/client.js';
import { type AssumeContext, location } from './context.js';
import { type ChainRun, hop, keptInMemory, ownCredentials, principalOf, type Provider } from './hops.js';
import { sourceOf } from './sources/registry.js';

export { MfaRequiredError };
export { type AssumeContext, location, targetFor } from './context.js';

export interface AssumeOptions {
  /** The current MFA code, when the role needs one and no MFA session is alive. */
  mfaCode?: string | undefined;
  /** Overwrite a profile section Rolebar did not write (the user confirmed). */
  force?: boolean | undefined;
}

/** What a switch did, for the user: the session, and notices that explain choices made on their behalf. */
export interface AssumeOutcome {
  session: SessionRecord;
  /** Main-process only: never sent to the renderer. */
  credentials: TemporaryCredentials;
  notices: string[];
  written: WriteProfileResult;
}

/**
 * Assumes a role and writes its session as the role's profile. The MFA decision comes first, once, before any
 * call; then the chain is a fold over its hops (hops.ts): the identity's credential source gives the first
 * credentials, each hop wraps the one before (with the identity's MFA session around the first when the plan
 * says so), and every hop but the last is kept in memory. With MFA: one GetSessionToken per identity, reused
 * for all its roles until it expires, unless the duration asked for is longer than the 1-hour cap of sessions
 * started from temporary credentials — then AssumeRole takes the code directly. Durations above the chaining cap
 * are lowered with a notice. Nothing is written unless every call succeeded.
 * Callers go through the session layer (layer.ts), which keeps one flight per role.
 */
export async function assumeRole(
  ctx: AssumeContext,
  roleId: string,
  options: AssumeOptions = {},
): Promise<AssumeOutcome> {
  const { identity, hops } = ctx.roles.chain(roleId);
  const role = hops.at(-1);
  if (!role) throw new RolebarError('role-not-found', `No role "${roleId}".`, { hint: 'List roles.' });
  const code = options.mfaCode === undefined ? undefined : checkMfaCode(options.mfaCode);
  // The MFA decision, once: the keychain is read only when the first hop would sign with an MFA session.
  const sessionSerial =
    hopMfaKinds(hops)[0] === 'mfa-session' && !code ? mfaSerialOf(identity, hops) : undefined;
  const live = sessionSerial ? await liveMfaSession(ctx, identity.id, sessionSerial) : undefined;
  const plan = planMfa(identity, hops, code, live);
  const run: ChainRun = {
    ctx,
    identity,
    source: sourceOf(identity),
    hops,
    plan,
    mfaCode: code,
    notices: [],
    userName: identity.userName,
  };

  // The fold: every hop wraps the one before; all but the last are kept in memory. The last is remembered only
  // once its profile is written: a failed switch leaves no trace.
  const below = hops
    .slice(0, -1)
    .reduce<Provider>(
      (inner, each, index) => keptInMemory(run, each, hop(run, inner, each, index)),
      ownCredentials(run),
    );
  const final = await hop(run, below, role, hops.length - 1)();
  const { assumedRoleArn, clockOffsetMs } = await principalOf(run, role, final);

  const region = role.region ?? identity.region;
  const profileName = profileNameOf(role);
  const session = sessionRecordOf({
    role,
    profileName,
    assumedRoleArn,
    credentials: final.credentials,
    mfaExpiration: final.mfaExpiration,
    clockOffsetMs,
    startedAt: ctx.now(),
    plan,
    region,
  });
  // Recorded as soon as the profile is in place, while its folder's fsync finishes (the record never names a
  // profile that is not written; a refused or failed write records nothing).
  const written = await writeSessionProfile(
    ctx,
    profileName,
    { credentials: final.credentials, assumedRoleArn },
    region,
    options.force === true,
    () => ctx.sessions.save(session),
  );
  const notices = [...run.notices, ...written.warnings];
  const skew = skewNotice(clockOffsetMs);
  if (skew) notices.push(skew);
  ctx.memory.set(role.id, final.credentials);
  return { session, credentials: final.credentials, notices, written };
}

/**
 * The profile write step: the final hop's credentials as the role's profile, only in sections Rolebar owns.
 * `afterWrite` runs once the profile is in place (see WriteProfileOptions.afterWrite).
 */
export function writeSessionProfile(
  ctx: Pick<AssumeContext, 'env' | 'homedir'>,
  profileName: string,
  final: { credentials: TemporaryCredentials; assumedRoleArn: string },
  region: string | undefined,
  force: boolean,
  afterWrite?: AfterStep,
): Promise<WriteProfileResult> {
  return writeProfile(
    {
      name: profileName,
      accessKeyId: final.credentials.accessKeyId,
      secretAccessKey: final.credentials.secretAccessKey,
      sessionToken: final.credentials.sessionToken,
      expiration: final.credentials.expiration,
      principalArn: final.assumedRoleArn,
      ...(region ? { region } : {}),
    },
    { ...location(ctx), force, ...(afterWrite ? { afterWrite } : {}) },
  );
}
