/**
 * Which roles the main screen draws: all of them up to MAX_DRAWN_ROLES, else (a team catalog of thousands) the
 * ones that match the filter, up to that many, plus any the user is acting on. Drawing 5,000 rows at once
 * freezes the window for a third of a second and each filter keystroke re-lays them out; 200 rows never do.
 */
import type { RoleView } from '../../../electron/ipc/contract.js';

/** At most this many role rows are in the page at once; the rest are found by typing in the filter. */
export const MAX_DRAWN_ROLES = 200;

/** The lower-case text the filter looks in: label, profile, ARN or name, group. */
export function searchTextOf(role: RoleView): string {
  return `${role.label} ${role.profileName} ${role.roleArn ?? role.roleName ?? ''} ${role.group}`.toLowerCase();
}

/** A role list's search index, built once per drawn state (the filter then never rebuilds strings). */
export function searchIndex(roles: readonly RoleView[]): string[] {
  return roles.map(searchTextOf);
}

/**
 * The roles to draw for `needle` (lower case, trimmed) and how many matching ones are left out. Roles in
 * `keep` (the active one, one switching, one with a message) are drawn even past the cap.
 */
export function rolesToDraw(
  roles: readonly RoleView[],
  index: readonly string[],
  needle: string,
  keep: ReadonlySet<string>,
): { drawn: RoleView[]; left: number } {
  const drawn: RoleView[] = [];
  let left = 0;
  roles.forEach((role, i) => {
    if (needle && !(index[i] ?? '').includes(needle)) return;
    if (drawn.length < MAX_DRAWN_ROLES || keep.has(role.id)) drawn.push(role);
    else left++;
  });
  return { drawn, left };
}
