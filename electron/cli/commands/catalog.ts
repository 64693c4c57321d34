// `rolebar catalog add|sync|list|rm|export`: team role catalogs, synced from git, a URL or a file.
import { writeFileSync } from 'node:fs';
import type { RolebarCore } from '../../core/index.js';
import { RolebarError } from '../../core/domain/errors.js';
import { exportCatalog } from '../../core/features/catalog/export.js';
import { describeSource, parseSource, redactSource } from '../../core/features/catalog/fetch.js';
import { readCopy } from '../../core/features/catalog/copies.js';
import { catalogRoles } from '../../core/features/catalog/resolve.js';
import {
  addSubscription,
  type CatalogDiff,
  getSubscription,
  mapIdentities,
  removeSubscription,
  subscriptionsIn,
} from '../../core/features/catalog/subscriptions.js';
import { syncCatalog } from '../../core/features/catalog/sync.js';
import { parseRecordList, parseRoleRecord } from '../../core/store/records.js';
import { type Command, flag, stringOption, UsageError } from '../args.js';
import { findIdentity, withCore } from '../context.js';
import { type Io, printJson, table } from '../output.js';

/** Prints what a sync changed; an ARN held for a live session says how to move to the new one. */
function printDiff(io: Io, name: string, diff: CatalogDiff): void {
  if (diff.added.length + diff.removed.length + diff.changed.length === 0) {
    io.out(`${name}: no changes.`);
    return;
  }
  io.out(
    `${name}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`,
  );
  for (const id of diff.added) io.out(`  + ${id}`);
  for (const id of diff.removed) io.out(`  - ${id}`);
  for (const c of diff.changed) {
    io.out(`  ~ ${c.id}: ${c.what} ${c.from} -> ${c.to}`);
    if (c.held)
      io.out(
        `    your active session stays on ${c.from}; sign out of it ('rolebar signout ${c.id}') to switch to the new ARN`,
      );
  }
}

/**
 * Account id (or '*') → identity id, from `--identity NAME` and `--account-identity ACCOUNT=NAME,…`. With the
 * catalog's copy, an ACCOUNT may be its name in the catalog, and one the catalog does not list is refused.
 */
function identityMap(
  core: RolebarCore,
  all: string | undefined,
  perAccount: string | undefined,
  accounts?: Array<{ id: string; name: string }>,
) {
  const map: Record<string, string> = {};
  if (all !== undefined) map['*'] = findIdentity(core, all).id;
  for (const pair of perAccount?.split(',') ?? []) {
    const [account, name] = pair.split('=');
    if (!account || !name) throw new UsageError(`--account-identity takes ACCOUNT=IDENTITY, not '${pair}'`);
    const key = account.trim();
    const id = accounts ? accounts.find((a) => a.id === key || a.name === key)?.id : key;
    if (id === undefined)
      throw new RolebarError('catalog-account-not-found', `The catalog lists no account "${key}".`, {
        hint: "'rolebar catalog list --json' shows each catalog's accounts.",
      });
    map[id] = findIdentity(core, name.trim()).id;
  }
  return map;
}

/** Account → identity name, for showing a mapping. */
function mappingText(core: RolebarCore, identities: Record<string, string>): string {
  const name = (id: string) => core.identities.list().find((i) => i.id === id)?.name ?? `(missing ${id})`;
  const entries = Object.entries(identities).map(([a, id]) => `${a === '*' ? 'all' : a}=${name(id)}`);
  return entries.length > 0 ? entries.join(',') : 'none';
}

const add: Command = {
  spec: {
    name: 'catalog add',
    summary:
      'Subscribes to a team catalog and syncs it. SOURCE is a git repository (fetched with your own git), an http(s) URL, or a file.',
    synopsis:
      'catalog add NAME SOURCE [--branch B] [--path P] [--identity NAME] [--account-identity A=NAME,...]',
    options: {
      branch: { type: 'string', value: 'BRANCH', help: 'git: the branch (default: the default branch)' },
      path: {
        type: 'string',
        value: 'PATH',
        help: 'git: the file in the repository (default rolebar-catalog.json)',
      },
      identity: {
        type: 'string',
        value: 'NAME',
        help: "your identity that every account's roles are assumed from",
      },
      'account-identity': {
        type: 'string',
        value: 'ACCOUNT=NAME,...',
        help: 'an identity per catalog account',
      },
    },
    positionals: [2, 2],
    details:
      'Example: rolebar catalog add acme file:///srv/git/aws-roles.git --path catalog.json --identity alice',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const [name = '', sourceText = ''] = args.positionals;
      const branch = stringOption(args, 'branch');
      const file = stringOption(args, 'path');
      const source = parseSource(sourceText, {
        ...(branch === undefined ? {} : { branch }),
        ...(file === undefined ? {} : { path: file }),
      });
      const identities = identityMap(
        core,
        stringOption(args, 'identity'),
        stringOption(args, 'account-identity'),
      );
      // A token in the URL goes to the keychain; settings and every message get the URL without it.
      const added = await addSubscription(core.settings, { name, source, identities }, core.secrets);
      let diff: CatalogDiff;
      try {
        diff = await syncCatalog(core.settings, name, Date.now(), core.secrets);
      } catch (error) {
        // Nothing is kept from a catalog that could not be read once.
        await removeSubscription(core.settings, name, core.secrets);
        throw error;
      }
      io.out(`Added the catalog "${name}" from ${describeSource(added.source)}.`);
      printDiff(io, name, diff);
      printCollisions(io, core);
      return 0;
    }),
};

const sync: Command = {
  spec: {
    name: 'catalog sync',
    summary:
      'Fetches every catalog (or the one named) and shows what changed; a failed sync keeps the last good copy.',
    synopsis: 'catalog sync [NAME]',
    options: {},
    positionals: [0, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const wanted = args.positionals[0];
      const subs =
        wanted === undefined
          ? subscriptionsIn(core.settings.read(), core.settings.path)
          : [getSubscription(core.settings, wanted)];
      let failed = 0;
      for (const sub of subs) {
        try {
          printDiff(io, sub.name, await syncCatalog(core.settings, sub.name, Date.now(), core.secrets));
        } catch (error) {
          failed += 1;
          const message = error instanceof Error ? error.message : String(error);
          io.err(`${sub.name}: sync failed, the last good copy is kept. ${redactSource(message)}`);
          if (error instanceof RolebarError && error.hint) io.err(`  ${error.hint}`);
        }
      }
      printCollisions(io, core);
      return failed > 0 ? 1 : 0;
    }),
};

function printCollisions(io: Io, core: RolebarCore): void {
  const data = core.settings.read();
  const own = parseRecordList(data.roles, core.settings.path, 'roles', parseRoleRecord);
  const { collisions, unmapped } = catalogRoles(data, core.settings.path, own);
  for (const c of collisions)
    io.out(
      `  profile "${c.profile}": "${c.keptRole}" is used; the catalog role ${c.catalog}/${c.role} is left out`,
    );
  if (unmapped.length > 0)
    io.out(
      `  ${unmapped.length} catalog role(s) have no identity to assume them from; map one with 'rolebar catalog map NAME --identity IDENTITY'`,
    );
}

const map: Command = {
  spec: {
    name: 'catalog map',
    summary:
      "Changes which of your identities a catalog's roles are assumed from: every account, or one at a time.",
    synopsis: 'catalog map NAME [--identity NAME] [--account-identity A=NAME,...] [--unmap ACCOUNT,...]',
    options: {
      identity: { type: 'string', value: 'NAME', help: 'your identity for every account of the catalog' },
      'account-identity': {
        type: 'string',
        value: 'ACCOUNT=NAME,...',
        help: "an identity per account (its id or its name in the catalog); it beats --identity's",
      },
      unmap: {
        type: 'string',
        value: 'ACCOUNT,...',
        help: "remove accounts' own mappings ('all' for --identity's)",
      },
    },
    positionals: [1, 1],
    details: 'Example: rolebar catalog map acme --identity alice --account-identity audit=auditor-user',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const name = args.positionals[0] ?? '';
      const sub = getSubscription(core.settings, name);
      const all = stringOption(args, 'identity');
      const perAccount = stringOption(args, 'account-identity');
      const unmap = stringOption(args, 'unmap');
      if (all === undefined && perAccount === undefined && unmap === undefined)
        throw new UsageError('give --identity, --account-identity or --unmap');
      const accounts = readCopy(core.settings.path, sub.name)?.accounts;
      const changes: Record<string, string | undefined> = {};
      for (const account of unmap?.split(',') ?? []) {
        const key = account.trim();
        changes[key === 'all' ? '*' : (accounts?.find((a) => a.name === key)?.id ?? key)] = undefined;
      }
      Object.assign(changes, identityMap(core, all, perAccount, accounts));
      const mapped = mapIdentities(core.settings, sub.name, changes);
      io.out(`${sub.name}: accounts map to ${mappingText(core, mapped.identities)}.`);
      printCollisions(io, core);
      return 0;
    }),
};

const list: Command = {
  spec: {
    name: 'catalog list',
    summary: 'Lists your catalogs: source, last sync, roles, and profile collisions.',
    synopsis: 'catalog list [--json]',
    options: { json: { type: 'boolean', help: 'print JSON' } },
    positionals: [0, 0],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const subs = subscriptionsIn(core.settings.read(), core.settings.path);
      const rows = subs.map((s) => ({
        name: s.name,
        source: describeSource(s.source),
        lastSyncAt: s.lastSyncAt ?? null,
        lastError: s.lastError ?? null,
        roles: readCopy(core.settings.path, s.name)?.roles.length ?? 0,
        mapping: mappingText(core, s.identities),
        lastChanges: s.lastChanges ?? null,
      }));
      if (flag(args, 'json')) printJson(io, rows);
      else if (rows.length === 0) io.out("No catalogs. Add one with 'rolebar catalog add NAME SOURCE'.");
      else {
        io.out(
          table(
            ['NAME', 'SOURCE', 'LAST SYNC', 'ROLES', 'IDENTITY', 'STATUS'],
            rows.map((r) => [
              r.name,
              r.source,
              r.lastSyncAt ?? 'never',
              String(r.roles),
              r.mapping,
              r.lastError ? `failed: ${r.lastError}` : 'ok',
            ]),
          ),
        );
        printCollisions(io, core);
      }
      return 0;
    }),
};

const rm: Command = {
  spec: {
    name: 'catalog rm',
    summary: 'Unsubscribes from a catalog; its roles disappear (your own roles are untouched).',
    synopsis: 'catalog rm NAME',
    options: {},
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const name = args.positionals[0] ?? '';
      await removeSubscription(core.settings, name, core.secrets);
      io.out(`Removed the catalog "${name}".`);
      return 0;
    }),
};

const exportCommand: Command = {
  spec: {
    name: 'catalog export',
    summary:
      'Writes a catalog of your own roles (no identities, keys or sessions), ready to commit and share.',
    synopsis: 'catalog export [--out FILE] [--prefix PREFIX]',
    options: {
      out: { type: 'string', value: 'FILE', help: 'write to FILE (default: stdout)' },
      prefix: { type: 'string', value: 'PREFIX', help: "a profile-name prefix for the catalog's users" },
    },
    positionals: [0, 0],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const { document, skipped } = exportCatalog(core.roles.list(), stringOption(args, 'prefix'));
      const text = `${JSON.stringify(document, null, 2)}\n`;
      const out = stringOption(args, 'out');
      if (out === undefined) io.out(text.trimEnd());
      else writeFileSync(out, text);
      for (const label of skipped) io.err(`skipped "${label}": it has a role name, not an ARN`);
      return 0;
    }),
};

/** The `catalog` group. */
export const commands: Record<string, Command> = {
  'catalog add': add,
  'catalog sync': sync,
  'catalog map': map,
  'catalog list': list,
  'catalog rm': rm,
  'catalog export': exportCommand,
};
