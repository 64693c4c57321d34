// `rolebar sso add|login|logout|roles`: IAM Identity Center identities. Tokens go to the keychain only; the
// roles it lists are kept as Rolebar roles, so `assume`, `export`, `exec` and `credential-process` work on them.
import { checkField } from '../../core/domain/model.js';
import * as fields from '../../core/domain/fields.js';
import { type Command, flag, requiredOption, stringOption, UsageError } from '../args.js';
import { withCore } from '../context.js';
import { localTime } from '../../core/domain/local-time.js';
import { type CliCacheChange, identityCenterOf } from '../../core/features/identity-center/index.js';
import { printJson, table, withSpinner } from '../output.js';
import { openInBrowser } from './console.js';

const add: Command = {
  spec: {
    name: 'sso add',
    summary:
      'Adds an IAM Identity Center identity (the AWS CLI’s [sso-session NAME]); sign in with `sso login`.',
    synopsis: 'sso add NAME --start-url URL --sso-region REGION [--region REGION] [--aws-cli-cache]',
    options: {
      'start-url': { type: 'string', value: 'URL', help: 'the AWS access portal URL (https://…/start)' },
      'sso-region': { type: 'string', value: 'REGION', help: 'the region of the Identity Center instance' },
      region: { type: 'string', value: 'REGION', help: 'the default region of its roles’ profiles' },
      'aws-cli-cache': {
        type: 'boolean',
        help: 'also write the AWS CLI token cache (~/.aws/sso/cache, plaintext) so sso_session profiles work',
      },
    },
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const region = stringOption(args, 'region');
      const { identity } = await core.addIdentity({
        kind: 'identity-center',
        name: args.positionals[0] as string,
        startUrl: checkField(fields.ssoStartUrl, requiredOption(args, 'start-url', 'sso add')),
        ssoRegion: checkField(fields.region, requiredOption(args, 'sso-region', 'sso add')),
        ...(region ? { region: checkField(fields.region, region) } : {}),
        ...(flag(args, 'aws-cli-cache') ? { awsCliCache: true } : {}),
      });
      io.out(
        `Added Identity Center identity "${identity.name}". Sign in with 'rolebar sso login ${identity.name}'.`,
      );
      return 0;
    }),
};

const login: Command = {
  spec: {
    name: 'sso login',
    summary:
      'Signs in to Identity Center in the browser (authorization code + PKCE, 127.0.0.1 redirect), then lists and keeps its roles.',
    synopsis: 'sso login NAME [--use-device-code] [--no-browser]',
    options: {
      'use-device-code': {
        type: 'boolean',
        help: 'confirm a code on another device instead (no local browser)',
      },
      'no-browser': { type: 'boolean', help: 'print the sign-in URL instead of opening a browser' },
    },
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const identity = identityCenterOf(core, args.positionals[0] as string);
      const noBrowser = flag(args, 'no-browser');
      const { expiresAt } = await core.identityCenter.signIn(
        identity.id,
        {
          async openBrowser(url) {
            io.err(`rolebar: sign in at ${url}`);
            const problem = noBrowser ? 'not asked to' : await openInBrowser(url);
            if (problem && !noBrowser)
              io.err(`rolebar: could not open a browser (${problem}); open the URL above.`);
            io.err(
              `rolebar: waiting for you to sign in and allow access in ${noBrowser || problem ? 'a browser' : 'the browser'} (Ctrl-C gives up)…`,
            );
          },
          showDeviceCode(code) {
            io.err(`rolebar: confirm the code ${code.userCode} at ${code.verificationUri}`);
            io.err('rolebar: waiting for you to confirm it there (Ctrl-C gives up)…');
          },
        },
        { useDeviceCode: flag(args, 'use-device-code') },
      );
      const { roles, added } = await withSpinner(io, 'Listing accounts and permission sets…', () =>
        core.identityCenter.syncRoles(identity.id),
      );
      io.out(
        `Signed in to "${identity.name}" (token refreshed automatically; this sign-in's token ends ${localTime(expiresAt)}). ${roles.length} roles, ${added.length} new.`,
      );
      return 0;
    }),
};

const logout: Command = {
  spec: {
    name: 'sso logout',
    summary: 'Signs out of Identity Center: ends the sign-in and removes its tokens from the keychain.',
    synopsis: 'sso logout NAME',
    options: {},
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const identity = identityCenterOf(core, args.positionals[0] as string);
      const { removed } = await core.identityCenter.signOut(identity.id);
      io.out(removed ? `Signed out of "${identity.name}".` : `"${identity.name}" was not signed in.`);
      return 0;
    }),
};

/** What `sso edit` says became of the cache file. */
function cacheNote({ cache, file }: CliCacheChange): string {
  switch (cache) {
    case 'written':
      return `wrote ${file}`;
    case 'at-sign-in':
      return `${file} is written at the next sign-in`;
    case 'removed':
      return `removed ${file}`;
    case 'absent':
      return `there was no file to remove (${file})`;
    case 'not-rolebar':
      return `${file} was left as it is (the AWS CLI wrote it for its own sign-in, not Rolebar)`;
  }
}

const edit: Command = {
  spec: {
    name: 'sso edit',
    summary:
      'Changes an Identity Center identity’s settings: turns the AWS CLI token cache on (written at once when signed in) or off (the file Rolebar wrote is removed).',
    synopsis: 'sso edit NAME (--aws-cli-cache | --no-aws-cli-cache)',
    options: {
      'aws-cli-cache': {
        type: 'boolean',
        help: 'write the AWS CLI token cache (~/.aws/sso/cache, plaintext) so sso_session profiles work',
      },
      'no-aws-cli-cache': {
        type: 'boolean',
        help: 'stop writing it and remove the file Rolebar wrote (never one the AWS CLI wrote itself)',
      },
    },
    positionals: [1, 1],
    details:
      'Examples:\n' +
      '  rolebar sso edit acme --aws-cli-cache\n' +
      '  rolebar sso edit acme --no-aws-cli-cache',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const on = flag(args, 'aws-cli-cache');
      const off = flag(args, 'no-aws-cli-cache');
      if (on && off)
        throw new UsageError("'sso edit' takes one of --aws-cli-cache and --no-aws-cli-cache, not both");
      if (!on && !off) throw new UsageError("'sso edit' needs a change, e.g. --aws-cli-cache");
      const identity = identityCenterOf(core, args.positionals[0] as string);
      const change = await core.identityCenter.setAwsCliCache(identity.id, on);
      io.out(`AWS CLI token cache ${on ? 'on' : 'off'} for "${identity.name}": ${cacheNote(change)}.`);
      return 0;
    }),
};

const roles: Command = {
  spec: {
    name: 'sso roles',
    summary: 'Lists the accounts and permission sets you may use (and keeps new ones as roles).',
    synopsis: 'sso roles NAME [--filter TEXT] [--json]',
    options: {
      filter: {
        type: 'string',
        value: 'TEXT',
        help: 'only roles whose account or permission set contains TEXT',
      },
      json: { type: 'boolean', help: 'print JSON' },
    },
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const identity = identityCenterOf(core, args.positionals[0] as string);
      const { roles: found } = await withSpinner(io, 'Listing accounts and permission sets…', () =>
        core.identityCenter.syncRoles(identity.id),
      );
      const needle = (stringOption(args, 'filter') ?? '').toLowerCase();
      const shown = found
        .filter((r) =>
          [r.label, r.sso?.accountId ?? '', r.sso?.roleName ?? ''].some((t) =>
            t.toLowerCase().includes(needle),
          ),
        )
        .sort((a, b) => a.label.localeCompare(b.label));
      if (flag(args, 'json')) {
        printJson(
          io,
          shown.map((r) => ({ label: r.label, ...r.sso })),
        );
      } else {
        io.out(
          table(
            ['LABEL', 'ACCOUNT', 'PERMISSION SET'],
            shown.map((r) => [
              r.label,
              `${r.sso?.accountName ?? ''} (${r.sso?.accountId ?? ''})`,
              r.sso?.roleName ?? '',
            ]),
          ),
        );
      }
      return 0;
    }),
};

/** The `sso` group. */
export const commands: Record<string, Command> = {
  'sso add': add,
  'sso login': login,
  'sso logout': logout,
  'sso edit': edit,
  'sso roles': roles,
};
