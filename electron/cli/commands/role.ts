// `rolebar role add|rm|list`: roles assumed from an identity or from another role (a chain).
import type { RolebarCore } from '../../core/index.js';
import { RolebarError } from '../../core/domain/errors.js';
import type { NewRole } from '../../core/store/roles.js';
import { namesById, profileNameOf, type RoleSource, rolesNamedBy } from '../../core/domain/model.js';
import {
  type Command,
  flag,
  integerOption,
  type ParsedArgs,
  requiredOption,
  stringOption,
  UsageError,
} from '../args.js';
import { removeProfile } from '../../core/aws-files/index.js';
import { awsLocation, findRole, withCore, withView } from '../context.js';
import { setupProfileName } from './setup-profile.js';
import { printJson, table } from '../output.js';

/** The source named by `--source`: an identity's name, or a role's label (a chain); both matching is ambiguous. */
export function sourceOf(core: RolebarCore, name: string): RoleSource {
  const identity = core.identities.find(name);
  const role = core.roles.find(name);
  if (identity && role) {
    throw new RolebarError('ambiguous-source', `"${name}" is both an identity and a role.`, {
      hint: 'Rename one of them, or pass the id shown by --json.',
    });
  }
  if (identity) return { kind: 'identity', id: identity.id };
  if (role) return { kind: 'role', id: role.id };
  throw new RolebarError('source-not-found', `No identity or role "${name}" to assume from.`, {
    hint: "'rolebar status' lists both.",
  });
}

/** What `role add` and `role edit` accept about a role. */
const roleOptions = {
  'role-arn': {
    type: 'string',
    value: 'ARN',
    help: 'the role ARN (arn:aws:iam::123456789012:role/Name)',
  },
  'role-name': { type: 'string', value: 'NAME', help: "a role name, looked up in the source's account" },
  source: { type: 'string', value: 'IDENTITY_OR_ROLE', help: 'the identity or role it is assumed from' },
  'external-id': { type: 'string', value: 'ID', help: 'the external ID the role asks for' },
  mfa: { type: 'boolean', help: "assuming it needs an MFA code (the identity's device)" },
  duration: {
    type: 'string',
    value: 'SECONDS',
    help: 'session length, 900–43200 (chains: at most 3600)',
  },
  'session-name': { type: 'string', value: 'NAME', help: 'role session name (default rolebar-USER)' },
  profile: { type: 'string', value: 'PROFILE', help: 'the ~/.aws profile to write (default: NAME)' },
  region: { type: 'string', value: 'REGION', help: 'region for STS and for the profile' },
} as const;

/** The optional settings of a role given on the command line (unset ones left out). */
function optionalFields(args: ParsedArgs) {
  const optional = {
    externalId: stringOption(args, 'external-id'),
    durationSeconds: integerOption(args, 'duration'),
    sessionName: stringOption(args, 'session-name'),
    profileName: stringOption(args, 'profile'),
    region: stringOption(args, 'region'),
  };
  return Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
}

const add: Command = {
  spec: {
    name: 'role add',
    summary: 'Adds a role, assumed from an identity or from another role (role chaining).',
    synopsis: 'role add NAME (--role-arn ARN | --role-name NAME) --source IDENTITY_OR_ROLE [options]',
    options: roleOptions,
    positionals: [1, 1],
    details:
      'Examples:\n' +
      '  rolebar role add prod-ro --role-arn arn:aws:iam::222222222222:role/readonly --source alice\n' +
      '  rolebar role add deployer --role-arn arn:aws:iam::222222222222:role/deployer --source prod-ro\n' +
      '  rolebar role add admin --role-arn arn:aws:iam::222222222222:role/admin --source alice --mfa',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const roleArn = stringOption(args, 'role-arn');
      const roleName = stringOption(args, 'role-name');
      if ((roleArn === undefined) === (roleName === undefined)) {
        throw new UsageError("'role add' needs exactly one of --role-arn and --role-name");
      }
      integerOption(args, 'duration'); // a typing mistake is told before any lookup
      const source = sourceOf(core, requiredOption(args, 'source', 'role add'));
      const role = core.roles.add({
        label: args.positionals[0] as string,
        ...(roleArn ? { roleArn } : { roleName }),
        source,
        mfa: flag(args, 'mfa'),
        ...optionalFields(args),
      });
      io.out(`Added role "${role.label}" (profile ${profileNameOf(role)}).`);
      return 0;
    }),
};

const rm: Command = {
  spec: {
    name: 'role rm',
    summary:
      'Removes a role, signing its session out first (its profile, and the one setup-profile wrote, go too if Rolebar wrote them). Refused, changing nothing, while other roles are assumed from it.',
    synopsis: 'role rm NAME',
    options: {},
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const role = findRole(core, args.positionals[0] as string);
      // The session layer refuses before signing out when other roles chain from it, and names them.
      await core.removeRole(role.id);
      // The profile setup-profile wrote would only fail from now on (only a section Rolebar wrote is removed).
      const profile = setupProfileName(role);
      const { removedFromConfig } = await removeProfile(profile, awsLocation(io));
      io.out(`Removed role "${role.label}"${removedFromConfig ? ` and its [profile ${profile}]` : ''}.`);
      return 0;
    }),
};

const edit: Command = {
  spec: {
    name: 'role edit',
    summary:
      "Changes a role's settings; what you leave out stays as it is. A change of profile signs the role's session out first (its old profile is removed); other changes apply from its next assume.",
    synopsis:
      'role edit NAME [--label LABEL] [--role-arn ARN | --role-name NAME] [--source IDENTITY_OR_ROLE] [options]',
    options: {
      label: { type: 'string', value: 'LABEL', help: 'a new label' },
      ...roleOptions,
      'no-mfa': { type: 'boolean', help: 'assuming it no longer needs an MFA code' },
    },
    positionals: [1, 1],
    details:
      'Examples:\n' +
      '  rolebar role edit prod-ro --source bob\n' +
      '  rolebar role edit deployer --profile deploy --duration 1800',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const role = findRole(core, args.positionals[0] as string);
      const roleArn = stringOption(args, 'role-arn');
      const roleName = stringOption(args, 'role-name');
      if (roleArn !== undefined && roleName !== undefined) {
        throw new UsageError("'role edit' takes one of --role-arn and --role-name, not both");
      }
      if (flag(args, 'mfa') && flag(args, 'no-mfa')) {
        throw new UsageError("'role edit' takes one of --mfa and --no-mfa, not both");
      }
      const sourceName = stringOption(args, 'source');
      const label = stringOption(args, 'label');
      const changes: Partial<NewRole> = {
        ...optionalFields(args),
        ...(label !== undefined ? { label } : {}),
        ...(roleArn !== undefined ? { roleArn, roleName: undefined } : {}),
        ...(roleName !== undefined ? { roleName, roleArn: undefined } : {}),
        ...(sourceName !== undefined ? { source: sourceOf(core, sourceName) } : {}),
        ...(flag(args, 'mfa') ? { mfa: true } : flag(args, 'no-mfa') ? { mfa: false } : {}),
      };
      if (Object.keys(changes).length === 0) {
        throw new UsageError("'role edit' needs at least one change, e.g. --source or --profile");
      }
      const profileChanges = changes.profileName !== undefined && changes.profileName !== profileNameOf(role);
      // Checked before the session is touched: a bad change must leave everything as it was.
      const updated = core.roles.update(role.id, changes);
      // The session record remembers the profile it wrote, so signing out removes the old one.
      if (profileChanges && core.sessions.get(role.id)) await core.signOut(role.id);
      io.out(`Updated role "${updated.label}" (profile ${profileNameOf(updated)}).`);
      return 0;
    }),
};

const list: Command = {
  spec: {
    name: 'role list',
    summary: 'Lists roles.',
    synopsis: 'role list [--json]',
    options: { json: { type: 'boolean', help: 'print JSON' } },
    positionals: [0, 0],
  },
  run: (args, io) =>
    withView(io, async (view) => {
      const roles = view.roles.list();
      const names = namesById(view.identities.list(), rolesNamedBy(roles));
      const from = (source: RoleSource) => names.get(source.id) ?? '?';
      if (flag(args, 'json'))
        printJson(
          io,
          roles.map((r) => ({ ...r, profile: profileNameOf(r) })),
        );
      else if (roles.length === 0) io.out("No roles. Add one with 'rolebar role add'.");
      else {
        io.out(
          table(
            ['LABEL', 'ROLE', 'FROM', 'PROFILE', 'MFA'],
            roles.map((r) => [
              // Catalog roles are read-only and marked with where they come from.
              r.catalog === undefined ? r.label : `${r.label} [catalog ${r.catalog}]`,
              r.roleArn ?? (r.sso ? `sso ${r.sso.accountId}/${r.sso.roleName}` : `name ${r.roleName ?? ''}`),
              from(r.source),
              profileNameOf(r),
              r.mfa ? 'yes' : '-',
            ]),
          ),
        );
      }
      return 0;
    }),
};

/** The `role` group. */
export const commands: Record<string, Command> = {
  'role add': add,
  'role edit': edit,
  'role rm': rm,
  'role list': list,
};
