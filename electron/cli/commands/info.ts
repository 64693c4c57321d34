// `rolebar whoami` and `rolebar status`: who a session is, and everything Rolebar knows, with time left.
import type { WhoAmITarget } from '../../core/index.js';
import { namesById, type Role, profileNameOf, rolesNamedBy } from '../../core/domain/model.js';
import { formatRemaining } from '../../core/domain/session-clock.js';
import { isLive, timeLeftMs } from '../../core/domain/session-live.js';
import type { KeyInfo } from '../../core/features/iam/key-info.js';
import { mfaSessionExpiry } from '../../core/sessions/mfa-session.js';
import type { Stores } from '../../core/sessions/stores.js';
import type { SessionRecord } from '../../core/store/sessions.js';
import { type Command, flag, stringOption } from '../args.js';
import { type Io, paint, printJson, table, withSpinner } from '../output.js';
import { awsLocation, describeExpiry, withCore, withView } from '../context.js';
import { keyColumn } from '../key-column.js';
import { accessKeyIdOf, describeIdentity } from '../../core/sessions/sources/registry.js';
import { keychainChoice } from '../../core/store/keychain-choice.js';

const json = { type: 'boolean', help: 'print JSON' } as const;

/** Active sessions (not yet expired on AWS's clock), most recently started first. */
function activeSessions(core: Pick<Stores, 'sessions'>): SessionRecord[] {
  return core.sessions
    .list()
    .filter((s) => isLive(s, Date.now()))
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

const whoami: Command = {
  spec: {
    name: 'whoami',
    summary:
      'Asks AWS who a session is: account, ARN, user id and kind. Without --profile: the most recently started active Rolebar session.',
    synopsis: 'whoami [--profile PROFILE] [--json]',
    options: {
      profile: { type: 'string', value: 'PROFILE', help: 'a Rolebar role profile or any ~/.aws profile' },
      json,
    },
    positionals: [0, 0],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const profile = stringOption(args, 'profile');
      let target: WhoAmITarget;
      if (profile !== undefined) {
        const role = core.roles.list().find((r) => profileNameOf(r) === profile);
        target = role && core.sessions.get(role.id) ? { roleId: role.id } : { profile };
      } else {
        const latest = activeSessions(core)[0];
        if (!latest) {
          if (flag(args, 'json')) printJson(io, null);
          else io.out("No active session. Run 'rolebar assume ROLE' to start one.");
          return 0;
        }
        target = { roleId: latest.roleId };
      }
      const who = await withSpinner(io, 'Asking AWS…', () => core.whoAmI(target));
      if (flag(args, 'json')) {
        printJson(io, { account: who.account, arn: who.arn, userId: who.userId, kind: who.kind });
      } else {
        io.out(table(['ACCOUNT', 'ARN', 'USER ID', 'KIND'], [[who.account, who.arn, who.userId, who.kind]]));
      }
      if (who.clockSkewed) {
        io.err(
          `rolebar: this computer's clock is off AWS's by ${Math.round(Math.abs(who.clockOffsetMs ?? 0) / 60_000)} minutes; turn on automatic time.`,
        );
      }
      return 0;
    }),
};

function roleTarget(role: Role): string {
  return role.roleArn ?? `role name ${role.roleName ?? ''}`;
}

const status: Command = {
  spec: {
    name: 'status',
    summary: 'Lists identities, roles and active sessions with the time they have left.',
    synopsis: 'status [--json]',
    options: { json },
    positionals: [0, 0],
  },
  run: (args, io) =>
    // The view: the keychain opens for an identity's MFA session or key, the IAM code for a key's age.
    withView(io, async (core) => {
      const identities = core.identities.list();
      const roles = core.roles.list();
      const sessions = activeSessions(core);
      const mfaUntil = new Map<string, Date | undefined>();
      for (const identity of identities) {
        if (identity.mfaSerial) mfaUntil.set(identity.id, await mfaSessionExpiry(core, identity.id));
      }
      const keys = identities.some((i) => accessKeyIdOf(i) !== undefined)
        ? await (await import('../../core/features/iam/read-key-info.js')).readKeyInfos(core, awsLocation(io))
        : new Map<string, KeyInfo>();
      const names = namesById(
        identities,
        rolesNamedBy(
          roles,
          sessions.map((s) => s.roleId),
        ),
      );
      const sourceName = (role: Role) =>
        names.get(role.source.id) ?? (role.source.kind === 'identity' ? '?' : role.source.id);
      const labelOf = (roleId: string) => names.get(roleId) ?? roleId;
      const secrets = keychainChoice(core.settings, io.env);
      if (flag(args, 'json')) {
        printJson(io, {
          keychain: { backend: secrets.backend, where: secrets.where },
          identities: identities.map((i) => ({
            ...i,
            ...(mfaUntil.get(i.id) ? { mfaSessionExpiration: mfaUntil.get(i.id)?.toISOString() } : {}),
            ...(keys.get(i.id) ? { key: keys.get(i.id) } : {}),
          })),
          roles: roles.map((r) => ({ ...r, profile: profileNameOf(r) })),
          sessions: sessions.map((s) => ({
            ...s,
            role: labelOf(s.roleId),
            secondsLeft: Math.max(0, Math.floor(timeLeftMs(s, Date.now()) / 1000)),
          })),
        });
        return 0;
      }
      printSection(
        io,
        'Identities',
        identities.length,
        () =>
          table(
            ['NAME', 'KIND', 'KEY', 'KEY AGE AND LAST USE', 'MFA'],
            identities.map((i) => [
              i.name,
              i.kind,
              describeIdentity(i).summary,
              keyColumn(keys.get(i.id)),
              i.mfaSerial
                ? mfaUntil.get(i.id)
                  ? `session until ${describeExpiry(mfaUntil.get(i.id) as Date)}`
                  : 'yes'
                : '-',
            ]),
          ),
        "Add IAM user keys with 'rolebar identity add', Identity Center with 'rolebar sso add', or bring yours with 'rolebar import'; 'rolebar demo' tries Rolebar without AWS.",
      );
      printSection(
        io,
        'Roles',
        roles.length,
        () =>
          table(
            ['LABEL', 'ROLE', 'FROM', 'PROFILE', 'MFA'],
            roles.map((r) => [r.label, roleTarget(r), sourceName(r), profileNameOf(r), r.mfa ? 'yes' : '-']),
          ),
        identities.length === 0
          ? 'Roles are assumed from an identity: add one first.'
          : "Add one with 'rolebar role add', or find yours with 'rolebar role discover'.",
      );
      printSection(
        io,
        'Active sessions',
        sessions.length,
        () =>
          table(
            ['ROLE', 'PROFILE', 'PRINCIPAL', 'LEFT'],
            sessions.map((s) => {
              const left = timeLeftMs(s, Date.now());
              const text = formatRemaining(left);
              const style = left < 5 * 60_000 ? 'red' : left < 15 * 60_000 ? 'yellow' : 'green';
              return [labelOf(s.roleId), s.profileName, s.principalArn, paint(io.colourOut, style, text)];
            }),
          ),
        roles.length === 0 ? '' : "'rolebar assume' starts one.",
      );
      io.out(`Secrets: in ${secrets.where}.`);
      return 0;
    }),
};

/** A section of `status`; an empty one says what adds its first entry. */
function printSection(io: Io, title: string, count: number, body: () => string, next: string): void {
  io.out(paint(io.colourOut, 'bold', `${title} (${count})`));
  io.out(count === 0 ? `  none${next ? `. ${next}` : ''}` : body().replace(/^/gm, '  '));
}

/** `whoami` and `status`. */
export const commands: Record<string, Command> = { whoami, status };
