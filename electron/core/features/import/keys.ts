// The plaintext keys an import may take out of ~/.aws (`--remove-plaintext-keys`): only those the keychain now
// holds exactly, each replaced by a credential_process line serving the same identity, in one write per file.
import { accessKeyIdOf } from '../../sessions/sources/registry.js';
import { type AwsLocationOptions } from '../../aws-files/index.js';
import { type KeyReplacement, replacePlaintextKeys } from '../../aws-files/replace-keys.js';
import type { Engine } from '../../sessions/engine.js';
import { type AwsProfile, keysOf, roleProfile } from './read.js';

/** What moving the keys did. */
export interface KeysMoved {
  /** Profiles whose plaintext keys were removed. */
  keysRemovedFrom: string[];
  /** The copies of the files kept before keys were removed. */
  backups: string[];
  /** Profiles whose plaintext keys stay, each with why. */
  keysKept: Array<{ profile: string; detail: string }>;
}

/**
 * Every profile whose keys Rolebar now holds (imported just now or by an earlier import) loses its plaintext copy,
 * but only when the keychain has exactly the same key pair; `serve(identityName)` gives the credential_process
 * line that takes its place in the same write, so profiles built on it keep working.
 */
export async function movePlaintextKeys(
  core: Engine,
  profiles: Map<string, AwsProfile>,
  location: AwsLocationOptions,
  serve: (identityName: string) => string,
): Promise<KeysMoved> {
  const moved: KeysMoved = { keysRemovedFrom: [], backups: [], keysKept: [] };
  // Keys live where botocore found them: the credentials file's copy wins, else the config file's.
  const replacements = { credentials: [] as KeyReplacement[], config: [] as KeyReplacement[] };
  for (const p of profiles.values()) {
    const keys = keysOf(p);
    if (!keys) continue;
    if (roleProfile(p)?.sourceProfile === p.name) {
      // botocore and the SDKs let a profile source itself only with keys in it (else "Infinite loop").
      moved.keysKept.push({
        profile: p.name,
        detail:
          'its role_arn sources its own keys, which the AWS tools allow only with the keys in the profile; point source_profile at another profile, then run this again',
      });
      continue;
    }
    if (p.configPairSame === false) {
      // The SDK v3 puts static keys from either file before credential_process: the other pair would answer.
      moved.keysKept.push({
        profile: p.name,
        detail: `its config file holds another key pair (${p.configKeyId ?? ''}) besides the credentials file's, which the AWS SDK for JavaScript would use instead of Rolebar's credential_process; remove one of the two pairs, then run this again`,
      });
      continue;
    }
    const identity = core.identities.find(p.name);
    if (!identity || accessKeyIdOf(identity) !== keys.keyId) continue;
    if ((await core.identities.secretOf(identity.id)) !== keys.secret) continue;
    const replacement = { profile: p.name, accessKeyId: keys.keyId, credentialProcess: serve(identity.name) };
    // Every pair of the profile goes: the credentials file's, and the config file's when it holds one too.
    if (p.inCredentialsFile.has('aws_access_key_id')) replacements.credentials.push(replacement);
    if (p.configKeyId !== undefined) replacements.config.push(replacement);
  }
  const replacedIn = { credentials: [] as string[], config: [] as string[] };
  for (const file of ['credentials', 'config'] as const) {
    if (replacements[file].length === 0) continue;
    const replaced = await replacePlaintextKeys(replacements[file], location, file);
    replacedIn[file] = replaced.replaced;
    if (replaced.backup) moved.backups.push(replaced.backup);
    for (const r of replacements[file].filter((x) => !replaced.replaced.includes(x.profile)))
      moved.keysKept.push({
        profile: r.profile,
        detail: `its keys were not found as read in the ${file} file (changed meanwhile?); import again`,
      });
  }
  const kept = new Set(moved.keysKept.map((k) => k.profile));
  moved.keysRemovedFrom.push(
    ...new Set([...replacedIn.credentials, ...replacedIn.config].filter((name) => !kept.has(name))),
  );
  return moved;
}
