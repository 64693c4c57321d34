// Demo mode (`npm start -- --demo`, or ROLEBAR_DEMO=1): the app against the bundled STS emulator, with a seeded
// identity and roles, in a temporary folder, with secrets in memory. Nothing touches the user's keychain, settings
// or ~/.aws. Plain Node, so the tests seed it and switch roles through the service exactly as the app does.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RolebarCore } from '../core/index.js';
import type { SecretStore } from '../core/platform/keychain/keychain.js';
import {
  SEED_KEYS,
  SEED_MFA,
  SEED_ROLES,
  SEED_SSO,
  seedWorldWithIdentityCenter,
  startStsEmulator,
  type StsEmulator,
  type WorldSpec,
} from '../emulator/index.js';
import type { Timers } from './clipboard.js';

/** A secret store that lives and dies with the process: the demo's stand-in for the OS keychain. */
export function memorySecretStore(service = 'Rolebar-demo'): SecretStore {
  const secrets = new Map<string, string>();
  return {
    service,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => secrets.delete(account),
    list: async () => [...secrets.keys()],
  };
}

/** The demo's world: the seed accounts and roles, and an Identity Center instance with a few permission sets. */
export function demoWorld(): WorldSpec {
  return seedWorldWithIdentityCenter();
}

/** The demo Identity Center identity's name (its start URL and region are the emulator's instance). */
export const DEMO_SSO_NAME = 'acme (demo)';

/**
 * The variables that send every AWS call of the demo to its emulator: STS, IAM (role discovery, revoke),
 * Identity Center's OIDC and portal APIs, and the console sign-in. Nothing reaches real AWS.
 */
export function demoEndpoints(emulator: {
  endpoint: string;
  federationEndpoint: string;
}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_STS: emulator.endpoint,
    AWS_ENDPOINT_URL_IAM: emulator.endpoint,
    AWS_ENDPOINT_URL_SSO: emulator.endpoint,
    AWS_ENDPOINT_URL_SSO_OIDC: emulator.endpoint,
    ROLEBAR_FEDERATION_ENDPOINT: emulator.federationEndpoint,
  };
}

/** A running demo: the emulator, the temporary folder, and the environment the app must run with. */
export interface Demo {
  emulator: StsEmulator;
  /** The temporary folder everything lives in. */
  dir: string;
  /** The settings folder (what ROLEBAR_HOME points at). */
  home: string;
  /** Variables to set on the process: settings folder, AWS files, STS and sign-in endpoints. */
  env: Record<string, string>;
  secrets: SecretStore;
  /** The demo MFA device's current code (a fake device: showing it is the point of the demo). */
  mfaCode(at?: number): string;
  /** Stops the emulator and removes the folder. */
  close(): Promise<void>;
}

/** Starts the emulator and makes the temporary folder; call before opening settings and the core. */
export async function startDemo(options: { tmpdir?: string } = {}): Promise<Demo> {
  const dir = mkdtempSync(path.join(options.tmpdir ?? os.tmpdir(), 'rolebar-demo-'));
  const home = path.join(dir, 'rolebar');
  mkdirSync(path.join(dir, '.aws'), { recursive: true });
  mkdirSync(home, { recursive: true });
  const emulator = await startStsEmulator({ world: demoWorld() });
  return {
    emulator,
    dir,
    home,
    env: {
      ROLEBAR_HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, '.aws', 'credentials'),
      AWS_CONFIG_FILE: path.join(dir, '.aws', 'config'),
      ...demoEndpoints(emulator),
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    secrets: memorySecretStore(),
    mfaCode: (at) => emulator.totp(SEED_MFA.alice.serial, at),
    async close() {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The seeded roles' ids. */
export interface DemoRoles {
  aliceId: string;
  /** Plain: alice's keys alone assume it. */
  worker: string;
  /** Needs MFA (prod admin). */
  admin: string;
  /** The first hop of a chain, and the role assumed from it. */
  readonly: string;
  deployer: string;
  /** The IAM Identity Center identity: sign in (browser or code) and its accounts and permission sets appear. */
  identityCenterId: string;
}

/**
 * Adds alice (keys and MFA device) and four roles: plain, MFA, and a two-hop chain; and an Identity Center
 * identity whose sign-in the emulator serves (its roles come with the first sign-in). Idempotent.
 */
export async function seedDemo(core: RolebarCore): Promise<DemoRoles> {
  const alice =
    core.identities.list().find((i) => i.name === 'alice (demo)') ??
    (
      await core.addIdentity(
        {
          kind: 'iam-user',
          name: 'alice (demo)',
          accessKeyId: SEED_KEYS.alice.accessKeyId,
          secretAccessKey: SEED_KEYS.alice.secretAccessKey,
          mfaSerial: SEED_MFA.alice.serial,
        },
        // The demo's own seed keys, saved without a call, as the seed always was.
        { verify: false },
      )
    ).identity;
  const role = (label: string, input: Parameters<RolebarCore['roles']['add']>[0]) =>
    (core.roles.find(label) ?? core.roles.add(input)).id;
  const fromAlice = { kind: 'identity' as const, id: alice.id };
  const worker = role('dev worker', {
    label: 'dev worker',
    roleArn: SEED_ROLES.ec2Worker,
    source: fromAlice,
    mfa: false,
  });
  const admin = role('prod admin', {
    label: 'prod admin',
    roleArn: SEED_ROLES.admin,
    source: fromAlice,
    mfa: true,
  });
  const readonly = role('prod readonly', {
    label: 'prod readonly',
    roleArn: SEED_ROLES.readonly,
    source: fromAlice,
    mfa: false,
  });
  const deployer = role('prod deployer', {
    label: 'prod deployer',
    roleArn: SEED_ROLES.deployer,
    source: { kind: 'role', id: readonly },
    mfa: false,
  });
  const identityCenter =
    core.identities.find(DEMO_SSO_NAME) ??
    (
      await core.addIdentity({
        kind: 'identity-center',
        name: DEMO_SSO_NAME,
        startUrl: SEED_SSO.startUrl,
        ssoRegion: SEED_SSO.region,
      })
    ).identity;
  return { aliceId: alice.id, worker, admin, readonly, deployer, identityCenterId: identityCenter.id };
}

/**
 * Calls `onCode` with the demo MFA code now and at every 30-second TOTP step (one timer for the next step,
 * not a poll); returns a function that stops it.
 */
export function watchDemoMfaCode(
  demo: Pick<Demo, 'mfaCode'>,
  onCode: (code: string) => void,
  clock: { now: () => number; timers: Timers },
): () => void {
  let handle: unknown;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const t = clock.now();
    onCode(demo.mfaCode(t));
    handle = clock.timers.setTimeout(tick, 30_000 - (t % 30_000) + 50);
  };
  tick();
  return () => {
    stopped = true;
    if (handle !== undefined) clock.timers.clearTimeout(handle);
  };
}
