// `rolebar import`: keys and role profiles from ~/.aws into Rolebar (keys to the keychain), previewed first.
import { applyImport, planImport } from '../../core/features/import/import.js';
import { type Command, flag } from '../args.js';
import { awsLocation, withCore } from '../context.js';
import { printJson } from '../output.js';
import { identityProcessCommand } from '../../core/features/outputs/credential-process-command.js';
import { thisRolebar } from './setup-profile.js';

const importCommand: Command = {
  spec: {
    name: 'import',
    summary:
      'Imports ~/.aws: profiles with access keys become identities (their secrets go to the keychain), role_arn profiles become roles. The files are not changed unless --remove-plaintext-keys is given: then each key pair is replaced by a credential_process line serving it from the keychain (a backup is kept first).',
    synopsis: 'import [--dry-run] [--remove-plaintext-keys] [--json]',
    options: {
      'dry-run': {
        type: 'boolean',
        help: 'show what would be imported, change nothing (an import cut short is finished or undone first)',
      },
      'remove-plaintext-keys': {
        type: 'boolean',
        help: 'after importing, replace the keys in ~/.aws with credential_process lines that serve them from the keychain',
      },
      json: { type: 'boolean', help: 'print JSON' },
    },
    positionals: [0, 0],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const location = awsLocation(io);
      if (flag(args, 'dry-run')) {
        const plan = await planImport(core, location);
        if (flag(args, 'json')) printJson(io, plan);
        else {
          io.out(`From ${plan.credentialsFile} and ${plan.configFile}:`);
          if (plan.items.length === 0) io.out('  nothing to import');
          for (const item of plan.items)
            io.out(`  ${item.action.padEnd(12)} [${item.profile}] ${item.detail}`);
        }
        return 0;
      }
      const result = await applyImport(core, location, {
        removePlaintextKeys: flag(args, 'remove-plaintext-keys'),
        identityProcess: (name) => identityProcessCommand(name, thisRolebar()),
      });
      if (flag(args, 'json')) {
        printJson(io, {
          identities: result.identities.map((i) => i.name),
          roles: result.roles.map((r) => r.label),
          skipped: result.skipped,
          keysRemovedFrom: result.keysRemovedFrom,
          keysKept: result.keysKept,
          backups: result.backups,
        });
        return 0;
      }
      io.out(`Imported ${result.identities.length} identities and ${result.roles.length} roles.`);
      for (const i of result.identities) io.out(`  identity ${i.name}`);
      for (const r of result.roles) io.out(`  role     ${r.label}`);
      for (const s of result.skipped) io.out(`  skipped  [${s.profile}] ${s.detail}`);
      if (result.keysRemovedFrom.length > 0) {
        io.out(
          `Replaced the plaintext keys of ${result.keysRemovedFrom.join(', ')} with credential_process (rolebar credential-process --identity, served from the keychain); backup: ${result.backups.join(', ')}`,
        );
      }
      for (const k of result.keysKept) io.out(`  kept the plaintext keys of [${k.profile}]: ${k.detail}`);
      return 0;
    }),
};

/** `import`. */
export const commands: Record<string, Command> = { import: importCommand };
