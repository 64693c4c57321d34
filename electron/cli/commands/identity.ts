// `rolebar identity add|rm|rotate|list`: IAM user keys, the secret in the keychain, never on the command line.
import { type Command, flag, requiredOption, stringOption } from '../args.js';
import { findIdentity, withCore } from '../context.js';
import { RolebarError } from '../../core/errors.js';
import { identityKey, printJson, table, withSpinner } from '../output.js';
import { readSecret } from '../prompt.js';

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
      const accessKeyId = requiredOption(args, 'access-key-id', 'identity add');
      const name = args.positionals[0] as string;
      const secretAccessKey = await readSecret(io.interactive);
      const mfaSerial = stringOption(args, 'mfa-serial');
      const region = stringOption(args, 'region');
      const identity = await core.identities.addIamUser({
        name,
        accessKeyId,
        secretAccessKey,
        ...(mfaSerial ? { mfaSerial } : {}),
        ...(region ? { region } : {}),
      });
      if (flag(args, 'no-verify')) {
        io.out(
          `Added identity "${identity.name}" (${accessKeyId}, not checked); its secret is in the keychain.`,
        );
        return 0;
      }
      // A wrong secret should fail here, not at the first assume: ask AWS who the key is, and keep nothing if
      // it refuses. (Saved first because the core's STS calls read the secret from the keychain.)
      let arn: string;
      try {
        ({ arn } = await withSpinner(io, 'Checking the key with AWS…', () =>
          core.whoAmI({ identityId: identity.id }),
        ));
      } catch (error) {
        await core.identities.remove(identity.id);
        if (error instanceof RolebarError) {
          throw new RolebarError(error.code, `${error.message} Nothing was saved.`, {
            hint: `${error.hint ?? ''} Offline? Add it unchecked with --no-verify.`.trim(),
          });
        }
        throw error;
      }
      io.out(`Added identity "${identity.name}" (${accessKeyId}, ${arn}); its secret is in the keychain.`);
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
      await core.identities.remove(identity.id);
      io.out(`Removed identity "${identity.name}".`);
      return 0;
    }),
};

const rotate: Command = {
  spec: {
    name: 'identity rotate',
    summary: "Replaces an IAM user identity's key pair (after you created a new key in IAM).",
    synopsis: 'identity rotate NAME --access-key-id ID',
    options: { 'access-key-id': { type: 'string', value: 'ID', help: 'the new access key id' } },
    positionals: [1, 1],
    details: SECRET_NOTE.replace('identity add alice', 'identity rotate alice'),
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const accessKeyId = requiredOption(args, 'access-key-id', 'identity rotate');
      const identity = findIdentity(core, args.positionals[0] as string);
      const secretAccessKey = await readSecret(io.interactive);
      await core.identities.rotateKeys(identity.id, { accessKeyId, secretAccessKey });
      io.out(`Rotated the keys of "${identity.name}" (now ${accessKeyId}).`);
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
      if (flag(args, 'json')) printJson(io, identities);
      else if (identities.length === 0) io.out("No identities. Add one with 'rolebar identity add'.");
      else {
        io.out(
          table(
            ['NAME', 'KIND', 'KEY', 'MFA SERIAL', 'REGION'],
            identities.map((i) => [i.name, i.kind, identityKey(i), i.mfaSerial ?? '-', i.region ?? '-']),
          ),
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
  'identity list': list,
};
