// `rolebar identity add|rm|rotate|set-key|list|orphans`: IAM user keys, the secret in the keychain, never on the command line.
import { checkField } from '../../core/domain/model.js';
import * as fields from '../../core/domain/fields.js';
import { type Command, flag, requiredOption, stringOption } from '../args.js';
import { awsLocation, findIdentity, withCore } from '../context.js';
import { readKeyInfos, withIamTools } from '../../core/features/iam/index.js';
import { keyColumn } from '../key-column.js';
import { rolebarCommand } from '../../core/domain/shell-quote.js';
import { RolebarError } from '../../core/domain/errors.js';
import { printJson, table, withSpinner } from '../output.js';
import { readSecret } from '../prompt.js';
import { accessKeyIdOf, describeIdentity } from '../../core/sessions/sources/registry.js';

/** An optional option's value checked by its rule, or undefined when not given. */
function optionalField(rule: fields.TextRule, value: string | undefined): string | undefined {
  return value === undefined ? undefined : checkField(rule, value);
}

const SECRET_NOTE =
  'The secret access key is read from a hidden prompt on a terminal, or from stdin otherwise:\n' +
  '  pass show aws/alice | rolebar identity add alice --access-key-id AKIA…\n' +
  'It is never accepted as an option: command lines end up in shell history and the process list.';

const add: Command = {
  spec: {
    name: 'identity add',
    summary: 'Adds an IAM user identity: its key id in settings, its secret in the OS keychain.',
    synopsis: 'identity add NAME --access-key-id ID [--mfa-serial SERIAL] [--region REGION] [--no-verify]',
    options: {
      'access-key-id': { type: 'string', value: 'ID', help: 'the access key id (AKIA…)' },
      'mfa-serial': { type: 'string', value: 'SERIAL', help: "the MFA device's ARN or serial" },
      region: { type: 'string', value: 'REGION', help: 'the region for STS calls' },
      'no-verify': {
        type: 'boolean',
        help: 'do not check the key with AWS (GetCallerIdentity) before saving it, e.g. offline',
      },
    },
    positionals: [1, 1],
    details: SECRET_NOTE,
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      // Checked before the secret is asked for: a mistyped option never costs a prompt. The core checks again.
      const accessKeyId = checkField(
        fields.accessKeyId,
        requiredOption(args, 'access-key-id', 'identity add'),
      );
      const name = checkField(fields.identityName, args.positionals[0] as string);
      const mfaSerial = optionalField(fields.mfaSerial, stringOption(args, 'mfa-serial'));
      const region = optionalField(fields.region, stringOption(args, 'region'));
      const secretAccessKey = await readSecret(io.interactive);
      const verify = !flag(args, 'no-verify');
      const input = {
        kind: 'iam-user',
        name,
        accessKeyId,
        secretAccessKey,
        ...(mfaSerial ? { mfaSerial } : {}),
        ...(region ? { region } : {}),
      } as const;
      // The core asks AWS who the key is before saving anything (a wrong secret fails here, not at the first
      // assume), unless told not to.
      const add = () => core.addIdentity(input, { verify });
      const { identity, checked } = await (
        verify ? withSpinner(io, 'Checking the key with AWS…', add) : add()
      ).catch((error: unknown) => {
        if (error instanceof RolebarError && error.context.saved === false) {
          throw new RolebarError(error.code, error.message, {
            hint: `${error.hint ?? ''} Offline? Add it unchecked with --no-verify.`.trim(),
            cause: error,
          });
        }
        throw error;
      });
      if (!checked) {
        io.out(
          `Added identity "${identity.name}" (${accessKeyId}, not checked); its secret is in the keychain.`,
        );
        return 0;
      }
      io.out(
        `Added identity "${identity.name}" (${accessKeyId}, ${checked.arn}); its secret is in the keychain.`,
      );
      return 0;
    }),
};

const rm: Command = {
  spec: {
    name: 'identity rm',
    summary: 'Removes an identity and its keychain entries (refused while a role uses it).',
    synopsis: 'identity rm NAME',
    options: {},
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const identity = findIdentity(core, args.positionals[0] as string);
      await core.removeIdentity(identity.id);
      io.out(`Removed identity "${identity.name}".`);
      return 0;
    }),
};

const setKey: Command = {
  spec: {
    name: 'identity set-key',
    summary:
      "Replaces an IAM user identity's key pair with one you made yourself (or re-enters a lost secret).",
    synopsis: 'identity set-key NAME --access-key-id ID',
    options: { 'access-key-id': { type: 'string', value: 'ID', help: 'the access key id' } },
    positionals: [1, 1],
    details: SECRET_NOTE.replace('identity add alice', 'identity set-key alice'),
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const accessKeyId = checkField(
        fields.accessKeyId,
        requiredOption(args, 'access-key-id', 'identity set-key'),
      );
      const identity = findIdentity(core, args.positionals[0] as string);
      const secretAccessKey = await readSecret(io.interactive);
      await core.identities.rotateKeys(identity.id, { accessKeyId, secretAccessKey });
      io.out(`Stored the key ${accessKeyId} for "${identity.name}".`);
      return 0;
    }),
};

const rotate: Command = {
  spec: {
    name: 'identity rotate',
    summary:
      "Rotates an IAM user identity's access key through IAM: creates a new key, stores it, checks it, deletes the old one.",
    synopsis: 'identity rotate NAME [--deactivate-old] [--delete-key ID] [--mfa-code CODE]',
    options: {
      'deactivate-old': { type: 'boolean', help: 'deactivate the old key instead of deleting it' },
      'delete-key': {
        type: 'string',
        value: 'ID',
        help: 'with two keys already (IAM allows two): delete this one first',
      },
      'mfa-code': { type: 'string', value: 'CODE', help: 'a current MFA code, when IAM asks for MFA' },
    },
    positionals: [1, 1],
    details:
      "Needs IAM permissions on your own user: 'rolebar policy --rotate' prints the policy.\n" +
      'To store a key you created yourself, use "rolebar identity set-key NAME --access-key-id ID".',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const identity = findIdentity(core, args.positionals[0] as string);
      const deleteKeyId = stringOption(args, 'delete-key');
      const mfaCode = stringOption(args, 'mfa-code');
      const result = await withIamTools(core, awsLocation(io), (tools) =>
        withSpinner(io, 'Rotating the access key through IAM…', () =>
          tools.rotate({
            identityId: identity.id,
            deactivateOld: flag(args, 'deactivate-old'),
            ...(deleteKeyId ? { deleteKeyId } : {}),
            ...(mfaCode ? { mfaCode } : {}),
          }),
        ),
      );
      if (result.removedExtraKeyId) io.out(`Deleted the key ${result.removedExtraKeyId}.`);
      io.out(
        `Rotated "${identity.name}": the new key ${result.newKeyId} is in the keychain and works; the old key ${result.oldKeyId} was ${result.oldKey}.`,
      );
      return 0;
    }),
};

const list: Command = {
  spec: {
    name: 'identity list',
    summary: 'Lists identities (never their secrets).',
    synopsis: 'identity list [--json]',
    options: { json: { type: 'boolean', help: 'print JSON' } },
    positionals: [0, 0],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const identities = core.identities.list();
      const keys = await readKeyInfos(core, awsLocation(io));
      if (flag(args, 'json'))
        printJson(
          io,
          identities.map((i) => ({ ...i, ...(keys.get(i.id) ? { key: keys.get(i.id) } : {}) })),
        );
      else if (identities.length === 0) io.out("No identities. Add one with 'rolebar identity add'.");
      else {
        io.out(
          table(
            ['NAME', 'KIND', 'KEY', 'KEY AGE AND LAST USE', 'MFA SERIAL', 'REGION'],
            identities.map((i) => [
              i.name,
              i.kind,
              describeIdentity(i).summary,
              keyColumn(keys.get(i.id)),
              i.mfaSerial ?? '-',
              i.region ?? '-',
            ]),
          ),
        );
      }
      return 0;
    }),
};

const orphans: Command = {
  spec: {
    name: 'identity orphans',
    summary: 'Lists keychain entries that belong to no identity, and identities missing their secret.',
    synopsis: 'identity orphans [--remove] [--json]',
    options: {
      remove: { type: 'boolean', help: 'delete the orphaned keychain entries' },
      json: { type: 'boolean', help: 'print JSON' },
    },
    positionals: [0, 0],
    details:
      'Changes cut short (a killed process) are finished or undone first. Entries are listed by name only;\n' +
      'their secrets are never read. An identity missing its secret needs "rolebar identity set-key".',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const found = await core.identities.orphans();
      const removed = flag(args, 'remove') ? await core.identities.removeOrphans() : [];
      const missing = found.identitiesWithoutSecret.map((id) => core.identities.find(id)?.name ?? id);
      // The whole command, with the key id it has: set-key asks for the secret and never reads the lost one.
      const setKeyCommand = (name: string) => {
        const identity = core.identities.find(name);
        const keyId = (identity && accessKeyIdOf(identity)) ?? 'ID';
        return rolebarCommand('identity', 'set-key', name, '--access-key-id', keyId);
      };
      if (flag(args, 'json')) {
        printJson(io, { orphanedEntries: found.accounts, removed, identitiesWithoutSecret: missing });
        return 0;
      }
      if (found.accounts.length === 0) io.out('No orphaned keychain entries.');
      else if (removed.length > 0) io.out(`Removed ${removed.length} orphaned keychain entries:`);
      else io.out(`${found.accounts.length} orphaned keychain entries (remove them with --remove):`);
      for (const account of removed.length > 0 ? removed : found.accounts) io.out(`  ${account}`);
      for (const name of missing) {
        io.out(
          `Identity "${name}" has no secret in the keychain: enter it again with \`${setKeyCommand(name)}\`.`,
        );
      }
      return 0;
    }),
};

/** The `identity` group. */
export const commands: Record<string, Command> = {
  'identity add': add,
  'identity rm': rm,
  'identity rotate': rotate,
  'identity set-key': setKey,
  'identity list': list,
  'identity orphans': orphans,
};
