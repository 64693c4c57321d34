// `rolebar assume A B C`: turns the words into one chain of saved roles. A word that is not a known role (an
// ARN, or a role name as in `aws-assume-role ec2-worker`) becomes a role assumed from the previous hop; such
// roles are saved like any other (the tray shows them, `export`/`exec` reuse them) and reused next time.
// When the assume fails, the roles made for it are removed again, so a typo leaves nothing behind.
import type { RolebarCore } from '../core/index.js';
import { RolebarError } from '../core/domain/errors.js';
import { parseRoleArn, type Role, type RoleSource } from '../core/domain/model.js';

/** The final role of the chain and the roles created to build it. */
export interface ResolvedChain {
  role: Role;
  created: Role[];
}

const sameSource = (a: RoleSource, b: RoleSource) => a.kind === b.kind && a.id === b.id;

/** The only identity, when the user has exactly one: the default root of an ad-hoc first hop. */
function defaultSource(core: RolebarCore, word: string): RoleSource {
  const identities = core.identities.list();
  const only = identities[0];
  if (identities.length === 1 && only) return { kind: 'identity', id: only.id };
  throw new RolebarError(
    'source-needed',
    identities.length === 0
      ? `"${word}" is not one of your roles, and there is no identity to assume it from.`
      : `"${word}" is not one of your roles, and you have several identities to assume it from.`,
    {
      hint:
        identities.length === 0
          ? "Add one with 'rolebar identity add' first."
          : 'Name one with --source IDENTITY, or start the chain with a role you added.',
    },
  );
}

/** The label for an ad-hoc role: `auditor@333333333333` for an ARN, the name itself for a role name. */
function adHocLabel(core: RolebarCore, target: { roleArn?: string; roleName?: string }): string {
  let base: string;
  if (target.roleArn) {
    const parts = parseRoleArn(target.roleArn);
    base = `${parts.name}@${parts.accountId}`;
  } else base = (target.roleName ?? 'role').split('/').pop() ?? 'role';
  base = base.replace(/[^\w.@+-]/g, '-');
  let label = base;
  for (let n = 2; core.roles.find(label); n++) label = `${base}-${n}`;
  return label;
}

/**
 * Resolves `words` (labels, profile names, role ARNs or role names) into a chain, creating the missing hops.
 * `source` (an identity or role) roots an ad-hoc first hop; default: the only identity.
 */
export function resolveChain(
  core: RolebarCore,
  words: string[],
  source: RoleSource | undefined,
): ResolvedChain {
  const created: Role[] = [];
  let previous: RoleSource | undefined = source;
  let last: Role | undefined;
  try {
    for (const word of words) {
      const known = core.roles.find(word);
      if (known && (previous === undefined || sameSource(known.source, previous))) {
        last = known;
        previous = { kind: 'role', id: known.id };
        continue;
      }
      let target: { roleArn?: string; roleName?: string };
      if (known) target = known.roleArn ? { roleArn: known.roleArn } : { roleName: known.roleName ?? '' };
      else if (word.startsWith('arn:')) target = { roleArn: parseRoleArn(word) && word.trim() };
      else target = { roleName: word };
      const from: RoleSource = previous ?? defaultSource(core, word);
      const reuse = core.roles
        .list()
        .find(
          (r) =>
            sameSource(r.source, from) &&
            (r.roleArn ?? '') === (target.roleArn ?? '') &&
            (r.roleName ?? '') === (target.roleName ?? ''),
        );
      last =
        reuse ?? core.roles.add({ label: adHocLabel(core, target), ...target, source: from, mfa: false });
      if (!reuse) created.push(last);
      previous = { kind: 'role', id: last.id };
    }
  } catch (error) {
    forget(core, created);
    throw error;
  }
  if (!last)
    throw new RolebarError('invalid-input', 'No role to assume.', { hint: 'Name at least one role.' });
  return { role: last, created };
}

/** Removes roles made for a chain that failed, last first (later ones are assumed from earlier ones). */
export function forget(core: RolebarCore, created: Role[]): void {
  for (const role of [...created].reverse()) {
    try {
      core.roles.remove(role.id);
    } catch {
      // Another process started using it in the meantime: leave it.
    }
  }
}
