// `rolebar catalog export`: a catalog written from the user's own roles, ready to commit and share.
import { parseRoleArn, type Role } from '../../domain/model.js';
import { CATALOG_FORMAT } from './format.js';

/** A catalog document (version 1) of `roles`, and the labels left out (a role name resolved at switch time). */
export function exportCatalog(
  roles: Role[],
  profilePrefix?: string,
): { document: object; skipped: string[] } {
  const own = roles.filter((r) => r.catalog === undefined);
  const accounts = new Map<string, { id: string; name: string; partition: string }>();
  const skipped: string[] = [];
  const out: Array<Record<string, unknown>> = [];
  for (const role of own) {
    if (role.roleArn === undefined) {
      skipped.push(role.label);
      continue;
    }
    const arn = parseRoleArn(role.roleArn);
    accounts.set(arn.accountId, { id: arn.accountId, name: arn.accountId, partition: arn.partition });
    const parent = role.source.kind === 'role' ? own.find((r) => r.id === role.source.id) : undefined;
    out.push(
      // Only what describes the role: never an identity, a key or a session.
      Object.fromEntries(
        Object.entries({
          id: role.label,
          account: arn.accountId,
          roleArn: role.roleArn,
          label: role.label,
          mfa: role.mfa || undefined,
          externalId: role.externalId,
          durationSeconds: role.durationSeconds,
          sessionName: role.sessionName,
          chainFrom: parent?.label,
          tags: role.tags,
          region: role.region,
          profileName: role.profileName,
        }).filter(([, value]) => value !== undefined),
      ),
    );
  }
  const document = {
    rolebarCatalog: CATALOG_FORMAT,
    ...(profilePrefix ? { profilePrefix } : {}),
    accounts: [...accounts.values()],
    roles: out,
  };
  return { document, skipped };
}
