// `rolebar keychain …`: where the secrets are, and the encrypted keychain file's unlock agent (unlock, lock).
import os from 'node:os';
import { localTime } from '../../core/domain/local-time.js';
import { RolebarError } from '../../core/domain/errors.js';
import {
  agentUntil,
  askAgent,
  DEFAULT_UNLOCK_MS,
  parseUnlockDuration,
  serveAgent,
  startAgent,
} from '../../core/platform/keychain/file-agent.js';
import { openFileKeychain, PASSPHRASE_VARIABLE } from '../../core/platform/keychain/file-store.js';
import { keychainServiceOf } from '../../core/platform/keychain/keychain.js';
import { settingsDir } from '../../core/platform/paths.js';
import { type KeychainChoice, keychainChoice } from '../../core/store/keychain-choice.js';
import { openSettings } from '../../core/store/settings.js';
import { migrateKeychain } from '../../core/store/keychain-migration.js';
import { BACKEND_VARIABLE, openSecretStore } from '../../core/platform/keychain/backend.js';
import { type Command, flag, stringOption, UsageError } from '../args.js';
import { type Io, printJson } from '../output.js';
import { askKeychainPassphrase } from '../prompt.js';

/** The keychain in force for the CLI's settings folder. */
function choiceOf(io: Io): KeychainChoice {
  const dir = settingsDir({ env: io.env, platform: process.platform, homedir: io.env.HOME || os.homedir() });
  return keychainChoice(openSettings({ dir }), io.env);
}

/** The keychain file of `choice`, or a clear refusal when the OS keychain is in force. */
function fileOf(choice: KeychainChoice, command: string): string {
  if (choice.backend === 'file') return choice.file;
  throw new RolebarError(
    'keychain-not-file',
    `Your secrets are in ${choice.where}, not in a keychain file: there is nothing to ${command}.`,
    {
      hint: 'Set ROLEBAR_KEYCHAIN=file, or move them with `rolebar keychain migrate --to file`.',
    },
  );
}

function describeDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes >= 60 && minutes % 60 === 0
    ? `${minutes / 60} h`
    : minutes >= 1
      ? `${minutes} min`
      : `${Math.round(ms / 1000)} s`;
}

const status: Command = {
  spec: {
    name: 'keychain status',
    summary:
      'Says where your secrets are (the OS keychain or the encrypted keychain file) and, for the file, whether it is unlocked and until when.',
    synopsis: 'keychain status [--json]',
    options: { json: { type: 'boolean', help: 'print JSON' } },
    positionals: [0, 0],
  },
  run: async (args, io) => {
    const choice = choiceOf(io);
    const until = choice.backend === 'file' ? await agentUntil(choice.file) : undefined;
    if (flag(args, 'json')) {
      printJson(io, {
        backend: choice.backend,
        where: choice.where,
        ...(choice.backend === 'file'
          ? { file: choice.file, unlockedUntil: until ? new Date(until).toISOString() : null }
          : {}),
      });
      return 0;
    }
    io.out(`Secrets: in ${choice.where}.`);
    if (choice.backend === 'file') {
      io.out(
        until
          ? `Unlocked until ${localTime(new Date(until))} (rolebar keychain lock locks it now).`
          : 'Locked: `rolebar keychain unlock` unlocks it for a while.',
      );
    }
    return 0;
  },
};

const unlock: Command = {
  spec: {
    name: 'keychain unlock',
    summary: `Opens the keychain file (asking for its passphrase on a terminal, or reading ${PASSPHRASE_VARIABLE}; creating the file on first use) and keeps its key in a background agent for a while, so credential_process, the app and other commands read it without asking. The key stays in the agent's memory only, served on a 0600 socket beside the file.`,
    synopsis: 'keychain unlock [--for DURATION]',
    options: {
      for: {
        type: 'string',
        value: 'DURATION',
        help: `how long: 90s, 15m, 2h (default ${describeDuration(DEFAULT_UNLOCK_MS)}, at most 12 h)`,
      },
    },
    positionals: [0, 0],
  },
  run: async (args, io) => {
    const text = stringOption(args, 'for');
    const forMs = text === undefined ? DEFAULT_UNLOCK_MS : parseUnlockDuration(text);
    if (forMs === undefined)
      throw new UsageError(
        `--for takes a duration such as 90s, 15m or 2h, up to 12h; not '${text}'`,
        'keychain unlock',
      );
    const choice = choiceOf(io);
    const file = fileOf(choice, 'unlock');
    const store = openFileKeychain({
      file,
      service: keychainServiceOf(io.env),
      env: io.env,
      ...(io.interactive ? { askPassphrase: askKeychainPassphrase } : {}),
    });
    const key = await store.unlock();
    const until = await startAgent(file, key, forMs, [process.argv[1] ?? '', 'keychain', 'agent']);
    io.out(
      `The keychain file is unlocked until ${localTime(new Date(until))} (${describeDuration(forMs)}). \`rolebar keychain lock\` locks it now.`,
    );
    return 0;
  },
};

const lock: Command = {
  spec: {
    name: 'keychain lock',
    summary:
      'Stops the unlock agent: its key is forgotten, and the keychain file needs its passphrase again.',
    synopsis: 'keychain lock',
    options: {},
    positionals: [0, 0],
  },
  run: async (_args, io) => {
    const file = choiceOf(io).file;
    const stopped = await askAgent(file, 'stop');
    io.out(stopped ? 'The keychain file is locked.' : 'The keychain file was not unlocked.');
    return 0;
  },
};

const agent: Command = {
  spec: {
    name: 'keychain agent',
    summary:
      'The unlock agent itself, started by `keychain unlock` (it reads its key on stdin; not for typing).',
    synopsis: 'keychain agent',
    options: {},
    positionals: [0, 0],
  },
  run: async () => {
    await serveAgent(process.stdin, process.stdout);
    await new Promise(() => undefined); // serves until its time is up (serveAgent exits the process)
    return 0;
  },
};

const migrate: Command = {
  spec: {
    name: 'keychain migrate',
    summary:
      'Moves every secret between the OS keychain and the encrypted keychain file, all or nothing, and makes the new one the keychain every Rolebar process uses (the setting ROLEBAR_KEYCHAIN overrides for one shell). The old one keeps no copy; a keychain file left empty is removed. A run cut short is settled by the next one.',
    synopsis: 'keychain migrate --to file|os',
    options: { to: { type: 'string', value: 'file|os', help: 'where the secrets go' } },
    positionals: [0, 0],
  },
  run: async (args, io) => {
    const to = stringOption(args, 'to');
    if (to !== 'file' && to !== 'os') throw new UsageError("--to takes 'file' or 'os'", 'keychain migrate');
    const choice = choiceOf(io);
    const settings = openSettings({ dir: choice.settingsFolder });
    const service = keychainServiceOf(io.env);
    const outcome = await migrateKeychain({
      settings,
      service,
      to,
      open: (backend) =>
        openSecretStore({
          env: io.env,
          backend,
          settingsFolder: choice.settingsFolder,
          service,
          ...(io.interactive ? { askPassphrase: askKeychainPassphrase } : {}),
        }),
    });
    for (const note of outcome.notes) io.err(`rolebar: ${note}`);
    if (outcome.from === 'file') await askAgent(choice.file, 'stop');
    const where = keychainChoice(settings, { ...io.env, [BACKEND_VARIABLE]: '' }).where;
    io.out(
      outcome.from === outcome.to
        ? `Your secrets are already in ${where}.`
        : `Moved ${outcome.moved} ${outcome.moved === 1 ? 'secret' : 'secrets'} to ${where}; the other keychain keeps no copy.`,
    );
    const override = io.env[BACKEND_VARIABLE];
    if (override && override !== to) {
      io.err(
        `rolebar: ${BACKEND_VARIABLE}=${override} in this shell still chooses the other keychain: unset it.`,
      );
    }
    return 0;
  },
};

/** The `keychain` group. */
export const commands: Record<string, Command> = {
  'keychain status': status,
  'keychain unlock': unlock,
  'keychain lock': lock,
  'keychain migrate': migrate,
  'keychain agent': agent,
};
