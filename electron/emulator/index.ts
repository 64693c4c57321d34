/**
 * Local AWS STS emulator: a real HTTP server on 127.0.0.1 speaking the STS Query API (SigV4-verified),
 * plus the console federation endpoint. Used by the tests and as the engine of the app's demo mode.
 *
 * ```ts
 * const emu = await startStsEmulator({ world: seedWorld() });
 * const sts = new STSClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials: SEED_KEYS.alice });
 * ```
 */
export { type Clock, createManualClock, type ManualClock, systemClock } from './clock.js';
export { SIGNATURE_MISMATCH_MESSAGE, StsError, stsErrors } from './errors.js';
export type { CannedAnswer, FaultKind, FaultMatch, FaultController } from './faults.js';
export type { SigninTokenRecord } from './federation.js';
export { evaluatePolicies, wildcardMatch } from './policy.js';
export { SEED_ACCOUNTS, SEED_EXTERNAL_ID, SEED_KEYS, SEED_MFA, SEED_ROLES, seedWorld } from './seed.js';
export type { IssuedSession } from './sessions.js';
export type { IdentityCenterEndpoint } from './sso.js';
export { manyAccountsWorld, SEED_SSO, seedWorldWithIdentityCenter } from './sso-seed.js';
export {
  type RequestLogEntry,
  type StsEmulator,
  type StsEmulatorOptions,
  startStsEmulator,
} from './server.js';
export type { RawHttpRequest } from './sigv4.js';
export { presignRequest, type SignOptions, signRequest } from './sigv4-sign.js';
export { totp } from './totp.js';
export type * from './types.js';
export { buildWorld, parseWorldJson, type World } from './world.js';
