import { createCore, type RolebarCore } from '../../electron/core/index.js';
import { openKeychain, type SecretStore } from '../../electron/core/platform/keychain/keychain.js';
import { openSettings, type Settings } from '../../electron/core/store/settings.js';
import { createStsCaller } from '../../electron/core/aws/sts/client.js';
import { makeSandbox, type Sandbox } from './sandbox.js';
import {
  SEED_KEYS,
  SEED_SSO,
  type StsEmulator,
  seedWorld,
  startStsEmulator,
  type WorldSpec,
} from '../../electron/emulator/index.js';

/** A core wired to real parts, all private to one test: the STS emulator, a keychain service, temp files. */
export interface CoreFixture {
  emu: StsEmulator;
  sandbox: Sandbox;
  settings: Settings;
  secrets: SecretStore;
  core: RolebarCore;
  /** A second core over the same settings, keychain and files: the app and the CLI side by side, or a restart. */
  reopen(): RolebarCore;
  close(): Promise<void>;
}

/** Starts the emulator and builds a core that talks to it through AWS_ENDPOINT_URL_STS, as a user would configure it. */
export async function startCoreFixture(label: string, world: WorldSpec = seedWorld()): Promise<CoreFixture> {
  const emu = await startStsEmulator({ world });
  try {
    return assemble(emu, label);
  } catch (error) {
    await emu.close();
    throw error;
  }
}

function assemble(emu: StsEmulator, label: string): CoreFixture {
  const sandbox = makeSandbox(label);
  // IAM is served on the same endpoint, as the AWS tools configure it (AWS_ENDPOINT_URL_IAM).
  const env = {
    ...sandbox.env,
    AWS_ENDPOINT_URL_STS: emu.endpoint,
    AWS_ENDPOINT_URL_IAM: emu.endpoint,
    // Identity Center's OIDC and portal APIs are on the same endpoint (the SDKs' service-specific settings).
    AWS_ENDPOINT_URL_SSO: emu.endpoint,
    AWS_ENDPOINT_URL_SSO_OIDC: emu.endpoint,
    AWS_REGION: 'us-east-1',
  };
  sandbox.env = env;
  const secrets = openKeychain({ service: sandbox.keychainService, env });
  const built: RolebarCore[] = [];
  const build = () => {
    const core = createCore({
      settings: openSettings({ dir: sandbox.rolebarHome }),
      secrets,
      env,
      homedir: sandbox.dir,
      // Fast retries keep fault-injection tests quick; the backoff itself is the SDK's.
      sts: createStsCaller({ maxAttempts: 3, requestTimeoutMs: 3_000 }),
    });
    built.push(core);
    return core;
  };
  const core = build();
  return {
    emu,
    sandbox,
    settings: openSettings({ dir: sandbox.rolebarHome }),
    secrets,
    core,
    reopen: build,
    async close() {
      // The emulator and the sandbox go even when the keychain clean-up fails (a broken set-up must not
      // leave a listening server that holds the test process open until its timeout).
      try {
        for (const c of built) c.close();
        for (const account of await secrets.list()) await secrets.delete(account);
      } finally {
        await emu.close();
        sandbox.cleanup();
      }
    },
  };
}

/**
 * Adds IAM user keys as the tests set them up: saved without asking AWS first (the tests of that check add
 * through the CLI or the service), so request counts and user-name learning stay the tests' own.
 */
export async function addKeys(
  core: RolebarCore,
  name: string,
  keys: { accessKeyId: string; secretAccessKey: string },
  options: { mfaSerial?: string } = {},
) {
  const { accessKeyId, secretAccessKey } = keys;
  const input = { kind: 'iam-user', name, accessKeyId, secretAccessKey, ...options } as const;
  return (await core.addIdentity(input, { verify: false })).identity;
}

/** Adds the seed's alice (active key, MFA device) as an identity. */
export function addAlice(core: RolebarCore, options: { mfa?: boolean } = {}) {
  const mfa = options.mfa === false ? {} : { mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
  return addKeys(core, 'alice@dev', SEED_KEYS.alice, mfa);
}

/** Adds the seed's dave, who may rotate his own access keys (no MFA). */
export function addDave(core: RolebarCore) {
  return addKeys(core, 'dave', SEED_KEYS.dave);
}

/** Adds the seed's carol, who may not use IAM (no rights on her own user, no listing). */
export function addCarol(core: RolebarCore) {
  return addKeys(core, 'carol', SEED_KEYS.carol);
}

/** Adds the seed's Identity Center instance as the identity "acme", not signed in. */
export async function addAcme(core: RolebarCore) {
  const input = {
    kind: 'identity-center',
    name: 'acme',
    startUrl: SEED_SSO.startUrl,
    ssoRegion: SEED_SSO.region,
  } as const;
  return (await core.addIdentity(input)).identity;
}
