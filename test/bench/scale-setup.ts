// What scale.bench.ts times: settings with one identity and a subscribed catalog of N roles (its last good copy
// in place), ~/.aws files with N role_arn profiles, and the in-process resolution of a catalog of chains.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { copyPath } from '../../electron/core/features/catalog/copies.js';
import { parseCatalog } from '../../electron/core/features/catalog/format.js';
import { catalogRoles } from '../../electron/core/features/catalog/resolve.js';
import { MAX_CATALOG_ROLES } from '../../electron/core/domain/limits.js';
import { DEFAULT_PREFERENCES, openSettings, type SettingsData } from '../../electron/core/store/settings.js';
import { median } from './measure.js';

/**
 * A catalog of `n` roles in n/10 accounts. `hub`: four of every five roles are chained from the fifth (a
 * jump-role setup). `chains`: role i is chained from role i-1 except every `chains`th, which starts a chain.
 */
export function catalogText(n: number, hub = false, chains?: number, prefix = 'big-'): string {
  const accountCount = Math.max(1, Math.floor(n / 10));
  const accounts = Array.from({ length: accountCount }, (_, i) => ({
    id: String(100_000_000_000 + i),
    name: `account-${i}`,
    region: 'eu-west-1',
  }));
  const roles = Array.from({ length: n }, (_, i) => {
    const chainFrom = hub
      ? i % 5 === 0
        ? undefined
        : `role-${i - (i % 5)}`
      : chains !== undefined && i % chains !== 0
        ? `role-${i - 1}`
        : undefined;
    return {
      id: `role-${i}`,
      account: accounts[i % accountCount]?.id,
      roleName: `team/role-${i}`,
      label: `Role ${i}`,
      group: `group-${i % 20}`,
      mfa: i % 3 === 0,
      ...(chainFrom ? { chainFrom } : {}),
    };
  });
  return JSON.stringify({ rolebarCatalog: 1, profilePrefix: prefix, accounts, roles });
}

/**
 * A settings folder `home` with one identity (an AWS profile) and `n` catalog roles subscribed and synced, in
 * as many catalogs as MAX_CATALOG_ROLES asks for (20,000 roles: two catalogs of 10,000).
 */
export function scaleSettings(home: string, n: number, hub = false): void {
  const settings = openSettings({ dir: home });
  const names = Array.from({ length: Math.ceil(n / MAX_CATALOG_ROLES) }, (_, k) => `big${k}`);
  settings.update((data) => {
    data.identities.push({ id: 'me', kind: 'aws-profile', name: 'me', profile: 'default' });
    data.catalogs = names.map((name) => ({
      id: name,
      name,
      source: { kind: 'file', path: '/x' },
      identities: { '*': 'me' },
    }));
  });
  names.forEach((name, k) => {
    const count = Math.min(MAX_CATALOG_ROLES, n - k * MAX_CATALOG_ROLES);
    mkdirSync(path.dirname(copyPath(settings.path, name)), { recursive: true });
    writeFileSync(copyPath(settings.path, name), catalogText(count, hub, undefined, `${name}-`));
  });
}

/** ~/.aws files: keys for a `base` profile and `n` role_arn profiles assumed from it. */
export function importConfig(n: number): { config: string; credentials: string } {
  const credentials =
    '[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n';
  const config = Array.from(
    { length: n },
    (_, i) =>
      `[profile team-${i}]\nrole_arn = arn:aws:iam::${String(100_000_000_000 + (i % 50))}:role/team-${i}\nsource_profile = base\n`,
  ).join('\n');
  return { config, credentials };
}

/**
 * The median time to parse, check and resolve a catalog of `n` roles in chains as deep as a catalog allows
 * (ten hops), its roles resolved afresh each run (a first load after a sync).
 */
export function catalogResolutionMs(dir: string, n: number): number {
  const text = catalogText(n, false, 10);
  const settingsPath = path.join(dir, 'settings.json');
  mkdirSync(path.dirname(copyPath(settingsPath, 'big')), { recursive: true });
  writeFileSync(copyPath(settingsPath, 'big'), text);
  const data: SettingsData = {
    identities: [],
    roles: [],
    sessions: [],
    preferences: { ...DEFAULT_PREFERENCES },
    catalogs: [{ id: 'big', name: 'big', source: { kind: 'file', path: '/x' }, identities: { '*': 'me' } }],
  };
  const times: number[] = [];
  for (let run = 0; run < 15; run++) {
    const started = performance.now();
    parseCatalog(text, 'big.json');
    catalogRoles(
      {
        ...data,
        catalogs: [
          {
            ...data.catalogs?.[0],
            id: 'big',
            name: 'big',
            source: { kind: 'file', path: '/x' },
            identities: { '*': `me-${run}` },
          },
        ],
      },
      settingsPath,
      [],
    );
    times.push(performance.now() - started);
  }
  return median(times);
}
