// `rolebar role discover`, `rolebar policy`, `rolebar revoke`: finding an account's roles, the two policies a
// role needs, and revoking a role's older sessions. IAM acts only in the account of the credentials used.
import { createInterface } from 'node:readline/promises';
import type { RolebarCore } from '../../core/index.js';
import { RolebarError } from '../../core/domain/errors.js';
import {
  confirmRevokeText,
  type CredentialsFrom,
  type DiscoveredRoleView,
  type DiscoveryView,
  discoveryView,
  roleArnOf,
  rolePoliciesView,
  rotatePolicy,
  withIamTools,
} from '../../core/features/iam/index.js';
import { namesById, profileNameOf, type Role } from '../../core/domain/model.js';
import { type Command, flag, stringOption, UsageError } from '../args.js';
import { awsLocation, findRole, withCore } from '../context.js';
import { type Io, paint, printJson, table, withSpinner } from '../output.js';
import { sourceOf } from './role.js';
import { suggestCommand } from '../suggest.js';

/** The credentials named by `--using`/`--for`/`--as`, else the only identity. */
function credentialsFrom(core: RolebarCore, name: string | undefined, option: string): CredentialsFrom {
  if (name !== undefined) {
    const source = sourceOf(core, name);
    return source.kind === 'identity' ? { identityId: source.id } : { roleId: source.id };
  }
  const identities = core.identities.list();
  const only = identities[0];
  if (identities.length === 1 && only) return { identityId: only.id };
  throw new RolebarError(
    'source-needed',
    identities.length === 0 ? 'There is no identity to use.' : 'You have several identities.',
    {
      hint:
        identities.length === 0
          ? "Add one with 'rolebar identity add' first."
          : `Name the identity or role to use with --${option}.`,
    },
  );
}

/** Whether a configured role is assumed from the same identity or role as a draft. */
function sameSource(role: Role, draft: { source: { kind: string; id: string } }): boolean {
  return role.source.kind === draft.source.kind && role.source.id === draft.source.id;
}

function needsOf(role: DiscoveredRoleView): string {
  if (role.canAssume === 'no') return '-';
  const needs = [
    ...(role.mfa ? ['MFA'] : []),
    ...(role.externalId !== undefined ? ['external ID'] : []),
    ...(role.needsIdentityPolicy ? ['your sts:AssumeRole permission'] : []),
    ...role.otherConditions,
  ];
  return needs.length > 0 ? needs.join(', ') : '-';
}

/** The discovered role `name` (its name, path/name or ARN), or an error saying why it cannot be added. */
function pick(core: RolebarCore, view: DiscoveryView, name: string): DiscoveredRoleView {
  const role = view.roles.find(
    (r) => r.roleName === name || r.arn === name || `${r.path}${r.roleName}`.replace(/^\//, '') === name,
  );
  if (!role) {
    throw new RolebarError('role-not-found', `Account ${view.accountId} has no role "${name}".`, {
      hint: "'rolebar role discover' lists its roles.",
    });
  }
  if (!role.draft) {
    throw new RolebarError(
      'cannot-assume',
      `${view.principalArn} cannot assume ${role.roleName}: ${role.reason}`,
      {
        hint: `'rolebar policy ${role.arn}' prints the policies that would allow it.`,
      },
    );
  }
  const existing = role.existingRoleId ? core.roles.find(role.existingRoleId) : undefined;
  if (existing && sameSource(existing, role.draft)) {
    throw new RolebarError('role-exists', `${role.roleName} is already your role "${existing.label}".`, {
      hint: `Switch to it with \`${suggestCommand('assume', existing.label)}\`.`,
    });
  }
  return role;
}

const discover: Command = {
  spec: {
    name: 'role discover',
    summary:
      "Lists the roles of an account (the --using identity's, or that of a role with a live session) and marks which ones you can probably assume, with what they ask for (MFA, an external ID). --add adds one as a role, pre-filled.",
    synopsis:
      'role discover [--using IDENTITY_OR_ROLE] [--as IDENTITY_OR_ROLE] [--add NAME | --add-all] [--json]',
    options: {
      using: {
        type: 'string',
        value: 'IDENTITY_OR_ROLE',
        help: 'list with this identity, or a role with a live session (default: your only identity)',
      },
      as: {
        type: 'string',
        value: 'IDENTITY_OR_ROLE',
        help: 'who would assume the roles (default: --using)',
      },
      add: { type: 'string', value: 'NAME', help: 'add this discovered role (its name or ARN) as a role' },
      'add-all': { type: 'boolean', help: 'add every role you can likely assume that you have not added' },
      json: { type: 'boolean', help: 'print JSON' },
    },
    positionals: [0, 0],
    details:
      'Needs iam:ListRoles in that account; without it, add roles by ARN or name with `rolebar role add`.\n\n' +
      'Examples:\n' +
      '  rolebar role discover\n' +
      '  rolebar role discover --add ec2-worker\n' +
      '  rolebar role discover --using prod-ro --as alice --add admin   # prod roles, assumed from alice',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const addName = stringOption(args, 'add');
      const addAll = flag(args, 'add-all');
      if (addName !== undefined && addAll)
        throw new UsageError("'role discover' takes --add or --add-all, not both");
      const using = credentialsFrom(core, stringOption(args, 'using'), 'using');
      const asName = stringOption(args, 'as');
      const assumeAs = asName === undefined ? undefined : credentialsFrom(core, asName, 'as');
      const view = await withSpinner(io, 'Listing roles…', () =>
        withIamTools(core, awsLocation(io), async (tools) =>
          discoveryView(await tools.discover({ listWith: using, ...(assumeAs ? { assumeAs } : {}) })),
        ),
      );
      const mine = new Map(core.roles.list().map((r) => [r.id, r]));
      const chosen = addAll
        ? view.roles.filter((r) => {
            const existing = r.existingRoleId ? mine.get(r.existingRoleId) : undefined;
            return r.canAssume === 'likely' && r.draft && !(existing && sameSource(existing, r.draft));
          })
        : addName !== undefined
          ? [pick(core, view, addName)]
          : [];
      // One settings write for all of them.
      const added = core.roles.addAll(chosen.flatMap((r) => (r.draft ? [r.draft] : [])));
      if (flag(args, 'json')) {
        printJson(io, {
          ...view,
          added: added.map((r) => ({
            id: r.id,
            label: r.label,
            roleArn: r.roleArn,
            profile: profileNameOf(r),
          })),
        });
        return 0;
      }
      const names = namesById(core.identities.list(), core.roles.list());
      printDiscovery(names, io, view, addName !== undefined || addAll);
      for (const r of added)
        io.out(
          `Added role "${r.label}" (profile ${profileNameOf(r)}), assumed from ${names.get(r.source.id) ?? '?'}.`,
        );
      if (addAll && added.length === 0) io.out('No role to add: every likely one is already yours.');
      return 0;
    }),
};

function printDiscovery(
  names: ReadonlyMap<string, string>,
  io: Io,
  view: DiscoveryView,
  adding: boolean,
): void {
  if (view.roles.length === 0) {
    io.out(`No roles in account ${view.accountId}.`);
    return;
  }
  const verdicts = { likely: 'likely', 'if-allowed': 'if allowed', no: 'no' } as const;
  io.out(`Roles in account ${view.accountId}, for ${paint(io.colourOut, 'bold', view.principalArn)}:`);
  io.out(
    table(
      ['ROLE', 'CAN ASSUME', 'NEEDS', 'YOURS AS'],
      view.roles.map((r) => [
        `${r.path}${r.roleName}`.replace(/^\//, ''),
        verdicts[r.canAssume],
        needsOf(r),
        (r.existingRoleId && names.get(r.existingRoleId)) || '-',
      ]),
    ),
  );
  if (!adding) {
    io.out(
      "\nAdd one with 'rolebar role discover --add NAME' (--add-all adds every likely one); " +
        "'rolebar policy ARN' prints what a role needs to let you in.",
    );
  }
}

const policy: Command = {
  spec: {
    name: 'policy',
    summary:
      'Prints the two policies that let an identity (or a role) assume a role: the trust policy on the role, and the permission policy on the identity, with which administrator applies which.',
    synopsis:
      'policy ROLE_ARN_OR_LABEL [--for IDENTITY_OR_ROLE] [--mfa] [--external-id ID] [--document trust|permission] [--json] | policy --rotate',
    options: {
      rotate: {
        type: 'boolean',
        help: "print instead the policy 'rolebar identity rotate' and the key-age view need on your own user",
      },
      for: {
        type: 'string',
        value: 'IDENTITY_OR_ROLE',
        help: "who will assume it (default: the role's source, else your only identity)",
      },
      mfa: { type: 'boolean', help: 'require MFA in the trust policy (default: as the role is configured)' },
      'external-id': { type: 'string', value: 'ID', help: 'require this external ID in the trust policy' },
      document: { type: 'string', value: 'WHICH', help: 'print only that document (trust or permission)' },
      json: { type: 'boolean', help: 'print JSON' },
    },
    positionals: [0, 1],
    details:
      'Examples:\n' +
      '  rolebar policy --rotate > rotate-own-keys.json\n' +
      '  rolebar policy arn:aws:iam::222222222222:role/deployer --for alice --mfa\n' +
      '  rolebar policy prod-ro --document trust > trust-policy.json',
  },
  run: (args, io) => {
    if (flag(args, 'rotate')) {
      if (args.positionals.length > 0) throw new UsageError('--rotate takes no role');
      io.out(JSON.stringify(rotatePolicy(), null, 2));
      return Promise.resolve(0);
    }
    if (args.positionals.length === 0) throw new UsageError('policy needs a role ARN or label (or --rotate)');
    const document = stringOption(args, 'document');
    if (document !== undefined && document !== 'trust' && document !== 'permission')
      throw new UsageError(`--document must be trust or permission, not '${document}'`);
    return withCore(io, async (core) => {
      const key = args.positionals[0] as string;
      const configured = core.roles.find(key) ?? core.roles.list().find((r) => r.roleArn === key);
      // Neither one of your roles nor an ARN: findRole's error says so.
      if (!configured && !key.startsWith('arn:')) findRole(core, key);
      const roleArn = configured ? roleArnOf(core, configured) : key;
      const forName = stringOption(args, 'for');
      const assumeAs: CredentialsFrom =
        forName === undefined && configured
          ? configured.source.kind === 'identity'
            ? { identityId: configured.source.id }
            : { roleId: configured.source.id }
          : credentialsFrom(core, forName, 'for');
      const policies = await withIamTools(core, awsLocation(io), (tools) =>
        tools.policiesFor({
          roleArn,
          assumeAs,
          mfa: flag(args, 'mfa') || configured?.mfa === true,
          externalId: stringOption(args, 'external-id') ?? configured?.externalId,
        }),
      );
      const view = rolePoliciesView(policies);
      if (document === 'trust') io.out(view.trustPolicy);
      else if (document === 'permission') io.out(view.permissionPolicy);
      else if (flag(args, 'json'))
        printJson(io, {
          ...view,
          trustPolicy: policies.trustPolicy,
          permissionPolicy: policies.permissionPolicy,
        });
      else {
        io.out(paint(io.colourOut, 'bold', 'Trust policy (trust-policy.json):'));
        io.out(view.trustPolicy);
        io.out(paint(io.colourOut, 'bold', 'Permission policy (permission-policy.json):'));
        io.out(view.permissionPolicy);
        io.out(view.explanation);
      }
      return 0;
    });
  },
};

/** Asks a yes/no question on the terminal; anything but y or yes is no. */
async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const revoke: Command = {
  spec: {
    name: 'revoke',
    summary:
      "Revokes every session of a role issued before now, like the IAM console's \"Revoke active sessions\": everyone's, yours included. Needs credentials of the role's account that allow iam:PutRolePolicy (an administrator role).",
    synopsis: 'revoke ROLE_ARN_OR_LABEL [--using IDENTITY_OR_ROLE] [--yes] [--json]',
    options: {
      using: {
        type: 'string',
        value: 'IDENTITY_OR_ROLE',
        help: "revoke with this identity or role (of the role's account; default: your only identity)",
      },
      yes: { type: 'boolean', help: 'do not ask (needed when stdin is not a terminal)' },
      json: { type: 'boolean', help: 'print JSON' },
    },
    positionals: [1, 1],
    details:
      'Examples:\n  rolebar assume prod-admin --mfa-code 123456\n  rolebar revoke prod-ro --using prod-admin',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const key = args.positionals[0] as string;
      const roleArn = key.startsWith('arn:') ? key : roleArnOf(core, findRole(core, key));
      const using = credentialsFrom(core, stringOption(args, 'using'), 'using');
      const at = new Date();
      const text = confirmRevokeText(roleArn, at);
      if (!flag(args, 'yes')) {
        if (!io.interactive) {
          throw new UsageError(
            "'revoke' needs --yes when stdin is not a terminal: it cuts off every session of the role, not only yours",
          );
        }
        io.err(text);
        if (!(await confirmed('Revoke? [y/N] '))) {
          throw new RolebarError('cancelled', 'Cancelled.', { hint: 'Nothing was changed.' });
        }
      }
      const result = await withSpinner(io, 'Revoking…', () =>
        withIamTools(core, awsLocation(io), (tools) =>
          tools.revokeOlderSessions({ roleArn, using, now: at }),
        ),
      );
      const forgotten = result.forgotten.map((id) => core.roles.get(id).label);
      if (flag(args, 'json')) {
        printJson(io, { ...result, forgotten });
        return 0;
      }
      io.out(
        `${paint(io.colourOut, 'green', '✔')} Revoked the sessions of ${roleArn} issued before ${result.revokedBefore} ` +
          `(inline policy ${result.policyName}). Anyone still trusted can switch to it again for a fresh session.`,
      );
      for (const label of forgotten) {
        io.out(
          `Your session of "${label}" was revoked too, and Rolebar has forgotten it (its profile removed): the next use of "${label}" assumes a fresh one.`,
        );
      }
      return 0;
    }),
};

/** `role discover` (merged into the `role` group), `policy`, `revoke`. */
export const roleDiscover = discover;
export const commands: Record<string, Command> = { 'role discover': discover, policy, revoke };
