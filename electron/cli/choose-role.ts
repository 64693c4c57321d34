// Which role the user means when they did not name exactly one: `rolebar assume` with no role opens a picker on a
// terminal; a word that matches several roles (`rolebar assume prod`) lists them, or opens the picker filtered by it.
import { RolebarError } from '../core/domain/errors.js';
import { profileNameOf, type Role } from '../core/domain/model.js';
import { accountOfArn } from '../core/domain/principal.js';
import type { RolebarCore } from '../core/index.js';
import { UsageError } from './args.js';
import type { Io } from './output.js';
import { filterItems, pick, type PickItem } from './picker.js';
import { suggestCommand } from './suggest.js';

type RoleItem = PickItem & { role: Role };

/** What the picker shows of a role and filters on: its label, account and profile name. */
function itemOf(role: Role): RoleItem {
  const account = role.sso?.accountId ?? (role.roleArn ? accountOfArn(role.roleArn) : '');
  const profile = profileNameOf(role);
  const details = [account, profile === role.label ? '' : `profile ${profile}`].filter(Boolean);
  return { label: role.label, details, role };
}

/** The roles a word that is not one of them matches in part (label, account or profile name). */
function partialMatches(core: RolebarCore, word: string): RoleItem[] {
  if (word.startsWith('arn:') || core.roles.find(word)) return [];
  return filterItems(core.roles.list().map(itemOf), word);
}

/**
 * The words to assume: `words` as typed, or on a terminal the role picked when there were none, or when the one
 * word matches several roles. Off a terminal, no role is a usage error and several matches are listed.
 */
export async function chooseRoles(core: RolebarCore, io: Io, words: string[]): Promise<string[]> {
  const [first] = words;
  const several = words.length === 1 && first !== undefined ? partialMatches(core, first) : [];
  if (words.length > 0 && several.length < 2) return words;
  if (words.length === 0 && !io.interactive) {
    throw new UsageError(
      "'assume' needs a ROLE (on a terminal, 'rolebar assume' with no role opens a picker): rolebar assume ROLE",
    );
  }
  if (!io.interactive) {
    io.err(several.map((item) => `  ${[item.label, ...item.details].join('  ')}`).join('\n'));
    throw new RolebarError(
      'role-ambiguous',
      `"${first}" matches the ${several.length} roles above; nothing was sent to AWS.`,
      { hint: `Name one, e.g. \`${suggestCommand('assume', several[0]?.label ?? '')}\`.` },
    );
  }
  const items = core.roles.list().map(itemOf);
  if (items.length === 0) {
    throw new RolebarError('role-not-found', 'You have no roles to assume yet.', {
      hint: "'rolebar role add' adds one; 'rolebar import' brings yours from ~/.aws.",
    });
  }
  const picked = await pick('Role to assume:', items, first ?? '');
  return [picked.role.label];
}
