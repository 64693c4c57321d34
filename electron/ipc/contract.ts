/**
 * The one IPC contract between the renderer and the main process. Every request channel is listed here with
 * its run-time argument check and its result type; the preload, the main-process handlers, the service layer
 * and the renderer all derive their types from this file, so nothing is kept in sync by hand.
 * Plain types and validators only: no Electron import. Nothing here ever carries a secret key or session token.
 */
import * as fields from '../core/domain/fields.js';
import type { Role, SessionRecord } from '../core/domain/model.js';
import type { CliCacheChange } from '../core/features/identity-center/views.js';
import type { ImportItem } from '../core/features/import/views.js';
import * as limits from '../core/domain/limits.js';
import type { Preferences } from '../core/domain/preferences.js';
import type { IdentityCapabilities, IdentityDetails } from '../core/domain/identity-traits.js';
import { SNIPPET_FORMAT_IDS, type SnippetFormat, UNSET_FORMAT_IDS } from '../core/domain/snippet-formats.js';
import {
  args,
  bool,
  nullable,
  object,
  oneOf,
  optional,
  preferencesPatch,
  range,
  refine,
  rule,
  str,
  type Validator,
} from './validate.js';
import type {
  CredentialsFromView,
  DiscoveryView,
  KeyAgeWarningView,
  KeyInfoView,
  RevokeOutcomeView,
  RevokePreviewView,
  RolePoliciesView,
  RotateOutcomeView,
  WhoAmIView,
} from './iam-views.js';
import type { CatalogView } from './catalog-views.js';
import type { StateUpdate } from './state-update.js';

// What team catalogs and the IAM features (keys, discovery, policies, revoke) show lives in files of their own;
// importers keep using this one.
export type * from './catalog-views.js';
export type * from './iam-views.js';
export type { StateUpdate } from './state-update.js';

/** What the window shows about the running app. */
export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  demo: boolean;
  /** Where the secrets are kept, in a user's words: the OS keychain, or the encrypted keychain file (its path). */
  keychain?: string;
  /** Demo mode only: the current code of the demo's fake MFA device (changes every 30 s). */
  demoMfaHint?: string;
}

/** Expected failures cross IPC as values, never as thrown strings. */
export type Result<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string; hint?: string } };

/** An identity as the window sees it, with the details of its kind its credential source shows: never its secret. */
export interface IdentityView extends IdentityDetails {
  id: string;
  name: string;
  /** What it can do, as its credential source says (the window is not told the kind: it asks this). */
  can: IdentityCapabilities;
  /** One line for lists, as its source words it (the CLI's KEY column): the key id, `profile NAME`, `sso URL`… */
  summary: string;
  /** An Identity Center identity whose token is gone and cannot be refreshed: it asks for a new sign-in. */
  signInNeeded?: boolean;
  /** With signInNeeded: it was never signed in (a first sign-in, not one that ran out). */
  firstSignIn?: boolean;
  /** A device-code sign-in waiting for the user (the code and page are not secrets; the device code is never here). */
  deviceCode?: { userCode: string; verificationUri: string; expiresAt: string };
  userName?: string;
  mfaSerial?: string;
  region?: string;
  /** When this identity's MFA session ends (ISO 8601), if one is alive: its MFA roles need no code until then. */
  mfaSessionExpiresAt?: string;
}

/** A role as the window sees it: the role's own fields (core/domain/model.ts), and where the list shows it. */
export interface RoleView extends Pick<
  Role,
  | 'id'
  | 'label'
  | 'roleArn'
  | 'roleName'
  | 'source'
  | 'sessionName'
  | 'externalId'
  | 'mfa'
  | 'durationSeconds'
  | 'region'
  | 'notify'
  | 'catalog'
> {
  /** The profile its session is written under (the role's own, else made from its label). */
  profileName: string;
  /** The account the role is in, when known (from its ARN or its last session). */
  accountId?: string;
  /** What the role list groups by: the account (with its alias when known) or the source. */
  group: string;
  /** An IAM Identity Center permission set (GetRoleCredentials), grouped by instance and account. */
  identityCenter?: boolean;
}

/** An active session as the window sees it: the stored record (when it ends and who it is, never credentials). */
export type SessionView = Omit<SessionRecord, 'id'>;

/** The user's preferences: the core's own type (core/domain/preferences.ts, browser-safe), not a copy. */
export type PreferencesView = Preferences;
export type { Theme } from '../core/domain/preferences.js';

/** What turning an Identity Center identity's AWS CLI token cache on or off did (the core's answer, as it is). */
export type CliCacheView = CliCacheChange;

/** Everything the window draws, pushed on every change. */
export interface AppState {
  app: AppInfo;
  identities: IdentityView[];
  roles: RoleView[];
  sessions: SessionView[];
  /** The role switched to last whose session is still alive. */
  activeRoleId?: string;
  /** Set when a check found that the active session no longer works (revoked, key deleted, account closed). */
  sessionProblem?: SessionProblemView;
  /** The app's credentials endpoint, while the preference is on and a role is active. */
  endpoint?: EndpointView;
  preferences: PreferencesView;
  /** The team catalogs subscribed to; absent when there are none. */
  catalogs?: CatalogView[];
  /** Access keys older than the threshold, from the last daily check. */
  keyAgeWarnings?: KeyAgeWarningView[];
}

/** The app's credentials endpoint as the window sees it: the token is masked; `endpoint:copy` copies it. */
export interface EndpointView {
  /** The one role it serves. */
  roleId: string;
  /** `http://127.0.0.1:PORT/role-credentials` (not secret). */
  url: string;
  /** The two lines to export, the token masked. */
  maskedLines: string[];
}

/** A session that AWS no longer accepts, as the last check found it; cleared when the user switches again. */
export interface SessionProblemView {
  roleId: string;
  message: string;
  hint?: string;
  /** When the check failed (ISO 8601). */
  at: string;
}

/** What a switch did. */
export interface SwitchOutcome {
  session: SessionView;
  notices: string[];
}

/** One line of an import preview. */
export type ImportItemView = ImportItem;

export { SNIPPET_FORMAT_IDS };
export type SnippetFormatId = SnippetFormat;

// Each field is checked by its rule (electron/core/rules), so the main process refuses what the window and
// the CLI refuse, even when a compromised page skips the window's checks.
const id = str({ min: 1, max: 128 });
const label = rule(fields.label);
const region = rule(fields.region);
const roleArn = rule(fields.roleArn);
const externalId = rule(fields.externalId);
const mfaSerial = rule(fields.mfaSerial);
const roleName = rule(fields.roleName);
const sessionName = rule(fields.sessionName);
const duration = range(limits.durationSeconds);
const profileName = rule(fields.profileName);

/** What a role may have besides its label, source and MFA: optional in `role:add` and in `role:update` alike. */
const roleOptions = {
  roleArn: optional(roleArn),
  roleName: optional(roleName),
  sessionName: optional(sessionName),
  externalId: optional(externalId),
  durationSeconds: optional(duration),
  region: optional(region),
  profileName: optional(profileName),
  notify: optional(bool),
};
const roleSource = object({ kind: oneOf('identity', 'role'), id });

/** `{ identityId }` or `{ roleId }`, exactly one. */
const credentialsFrom: Validator<CredentialsFromView> = (value, path) =>
  typeof value === 'object' && value !== null && 'roleId' in value
    ? object({ roleId: id })(value, path)
    : object({ identityId: id })(value, path);

/** The literal `true`: the window confirmed what it showed. */
const confirmed: Validator<true> = (value, path = '') => {
  if (value !== true) throw new TypeError(`${path || 'argument'} must be true`);
  return value;
};

/** Run-time checks of each request's arguments; the argument types below are derived from them. */
export const requestArgs = {
  'app:get-info': args(),
  'state:get': args(),
  'identity:add': args(
    object({
      name: rule(fields.identityName),
      accessKeyId: rule(fields.accessKeyId),
      secretAccessKey: rule(fields.secretAccessKey),
      mfaSerial: optional(mfaSerial),
      region: optional(region),
    }),
  ),
  'identity:update': args(
    object({
      id,
      name: optional(rule(fields.identityName)),
      mfaSerial: optional(nullable(mfaSerial)),
      region: optional(nullable(region)),
    }),
  ),
  'identity:rotate-keys': args(
    object({ id, accessKeyId: rule(fields.accessKeyId), secretAccessKey: rule(fields.secretAccessKey) }),
  ),
  'identity:remove': args(object({ id })),
  'identity:key-info': args(object({ id })),
  'identity:rotate': args(
    object({
      id,
      deactivateOld: optional(bool),
      deleteKeyId: optional(rule(fields.accessKeyId)),
      mfaCode: optional(rule(fields.mfaCode)),
    }),
  ),
  'identity:whoami': args(object({ id })),
  'role:add': args(
    // Without a profile name of its own, the role's profile is made from its label: that must be usable.
    refine(object({ label, source: roleSource, mfa: bool, ...roleOptions }), (role) =>
      role.profileName ? undefined : fields.derivedProfileProblem(role.label)?.message,
    ),
  ),
  'role:update': args(
    object({
      id,
      changes: object({
        label: optional(label),
        source: optional(roleSource),
        mfa: optional(bool),
        ...roleOptions,
      }),
    }),
  ),
  'role:remove': args(object({ id })),
  'catalog:map': args(object({ name: id, identityId: id })),
  'sso:sign-in': args(object({ id, deviceCode: optional(bool) })),
  'sso:copy-code': args(object({ id })),
  'sso:add': args(
    object({
      name: rule(fields.identityName),
      startUrl: rule(fields.ssoStartUrl),
      ssoRegion: region,
      region: optional(region),
    }),
  ),
  'sso:set-cli-cache': args(object({ id, on: bool })),
  'role:switch': args(object({ roleId: id, mfaCode: optional(rule(fields.mfaCode)), force: optional(bool) })),
  'session:sign-out': args(object({ roleId: id })),
  'session:whoami': args(object({ roleId: id })),
  'snippet:copy': args(object({ roleId: id, format: oneOf(...SNIPPET_FORMAT_IDS) })),
  'snippet:copy-unset': args(object({ format: oneOf(...UNSET_FORMAT_IDS) })),
  'import:preview': args(),
  'import:apply': args(object({ removePlaintextKeys: bool })),
  'cli:install': args(),
  'preferences:set': args(preferencesPatch()),
  'endpoint:copy': args(),
  'network:online': args(),
  'iam:discover': args(object({ using: credentialsFrom, assumeAs: optional(credentialsFrom) })),
  'iam:policies': args(
    object({ roleArn, forSource: credentialsFrom, mfa: optional(bool), externalId: optional(externalId) }),
  ),
  'iam:revoke-preview': args(object({ roleId: optional(id), roleArn: optional(roleArn) })),
  'iam:revoke': args(
    object({ roleId: optional(id), roleArn: optional(roleArn), using: credentialsFrom, confirm: confirmed }),
  ),
} as const;

export type RequestChannel = keyof typeof requestArgs;

/** Each channel's checked arguments. */
export type RequestArgs<C extends RequestChannel> = ReturnType<(typeof requestArgs)[C]>;

/** Each channel's result. */
export interface RequestResults {
  'app:get-info': AppInfo;
  'state:get': AppState;
  'identity:add': Result<IdentityView>;
  'identity:update': Result<IdentityView>;
  'identity:rotate-keys': Result<IdentityView>;
  'identity:remove': Result<null>;
  'identity:key-info': Result<KeyInfoView | null>;
  'identity:rotate': Result<RotateOutcomeView>;
  'identity:whoami': Result<WhoAmIView>;
  'role:add': Result<RoleView>;
  'role:update': Result<RoleView>;
  'role:remove': Result<null>;
  'catalog:map': Result<null>;
  'sso:sign-in': Result<{ roles: number }>;
  /** Copies the user code of the identity's waiting device-code sign-in (not a secret). */
  'sso:copy-code': Result<null>;
  'sso:add': Result<IdentityView>;
  /** Turns the AWS CLI token cache on (written at once when signed in) or off (Rolebar's file removed). */
  'sso:set-cli-cache': Result<CliCacheView>;
  'role:switch': Result<SwitchOutcome>;
  'session:sign-out': Result<null>;
  'session:whoami': Result<WhoAmIView>;
  'snippet:copy': Result<{ clearsInSeconds: number }>;
  'snippet:copy-unset': Result<{ clearsInSeconds: number }>;
  'import:preview': Result<ImportItemView[]>;
  'import:apply': Result<{ identities: number; roles: number; keysRemovedFrom: string[] }>;
  /** Puts a `rolebar` launcher in the user's bin folder; `onPath` says whether the app's PATH has that folder. */
  'cli:install': Result<{ path: string; onPath: boolean }>;
  'preferences:set': Result<PreferencesView>;
  /** Copies the endpoint's two export lines, token included, to the clipboard (cleared like snippets). */
  'endpoint:copy': Result<{ clearsInSeconds: number }>;
  /** The page saw the network come back: the session check runs at once. */
  'network:online': null;
  'iam:discover': Result<DiscoveryView>;
  'iam:policies': Result<RolePoliciesView>;
  'iam:revoke-preview': Result<RevokePreviewView>;
  'iam:revoke': Result<RevokeOutcomeView>;
}

/** The renderer-side call the preload wraps: one typed `invoke` per channel. */
export type Invoke = <C extends RequestChannel>(
  channel: C,
  ...args: RequestArgs<C>
) => Promise<RequestResults[C]>;

/** What answers every request: the service layer implements it, the main process and the browser tests route to it. */
export type RequestHandlers = {
  [C in RequestChannel]: (...args: RequestArgs<C>) => Promise<RequestResults[C]> | RequestResults[C];
};

/** Events the main process pushes to the window (state on change, not polled). */
export interface EventPayloads {
  /** The state, or all of it but the roles when they are unchanged (state-update.ts). */
  'state:changed': StateUpdate;
  /** The tray switched to a role that needs an MFA code: the window opens and asks for it. */
  'ui:prompt-mfa': { roleId: string };
  /** The tray's "Settings…": the window opens on its Settings screen. */
  'ui:open-settings': Record<string, never>;
}
export type EventChannel = keyof EventPayloads;

/** The renderer-side subscription the preload wraps; returns an unsubscribe function. */
export type Subscribe = <E extends EventChannel>(
  channel: E,
  listener: (payload: EventPayloads[E]) => void,
) => () => void;
