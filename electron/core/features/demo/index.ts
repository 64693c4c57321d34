// The demo's world and seed, shared by the app's demo mode (`npm start -- --demo`) and `rolebar demo`: the bundled
// emulator's accounts, roles and Identity Center instance, the variables that send every AWS call to it, and the
// identity and roles seeded into a demo core. The one core folder that imports the emulator (build/eslint-layers.js).
import type { Engine } from '../../sessions/engine.js';
import {
  SEED_KEYS,
  SEED_MFA,
  SEED_ROLES,
  SEED_SSO,
  seedWorldWithIdentityCenter,
  type WorldSpec,
} from '../../../emulator/index.js';

/** The demo's world: the seed accounts and roles, and an Identity Center instance with a few permission sets. */
export function demoWorld(): WorldSpec {
  return seedWorldWithIdentityCenter();
}

/** The demo Identity Center identity's name (its start URL and region are the emulator's instance). */
export const DEMO_SSO_NAME = 'acme-demo';

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
export async function seedDemo(core: Engine): Promise<DemoRoles> {
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
  const role = (label: string, input: Parameters<Engine['roles']['add']>[0]) =>
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
