// `rolebar console ROLE`: the AWS console, signed in as the role, in the browser (or the URL with --print).
import { spawn } from 'node:child_process';
import { consoleSessionDuration, consoleSigninUrl } from '../../core/features/outputs/console-url.js';
import { checkMfaCode } from '../../core/domain/model.js';
import { partitionOfArn } from '../../core/store/sessions.js';
import { type Command, flag, integerOption, stringOption } from '../args.js';
import { findRole, liveSession, withCore } from '../context.js';
import { withSpinner } from '../output.js';
import { suggestCommand } from '../suggest.js';
import { RolebarError } from '../../core/domain/errors.js';

/** How long to wait for the opener's verdict; an opener still running then (it started a browser) succeeded. */
const OPENER_VERDICT_MS = 10_000;

/**
 * Opens a URL we built in the default browser, without a shell. Resolves to undefined when the opener
 * succeeded (or is still running, having started a browser), else to what went wrong.
 */
export function openInBrowser(url: string): Promise<string | undefined> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), OPENER_VERDICT_MS);
    timer.unref();
    const settle = (problem: string | undefined) => {
      clearTimeout(timer);
      child.unref();
      resolve(problem);
    };
    child.on('error', (error: NodeJS.ErrnoException) =>
      settle(error.code === 'ENOENT' ? `${command} is not installed` : `${command} failed (${error.code})`),
    );
    child.on('exit', (code, signal) =>
      settle(code === 0 ? undefined : `${command} ${signal ? `was killed (${signal})` : `exited ${code}`}`),
    );
  });
}

const consoleCommand: Command = {
  spec: {
    name: 'console',
    summary:
      'Opens the AWS console signed in as the role (assuming it first when needed). With --print, prints the sign-in URL instead: it signs anyone in who has it, so keep it to yourself.',
    synopsis: 'console ROLE [--print] [--duration SECONDS] [--mfa-code CODE]',
    options: {
      print: { type: 'boolean', help: 'print the URL instead of opening a browser' },
      duration: {
        type: 'string',
        value: 'SECONDS',
        help: 'console session length, 900–43200 (chains: < 3600)',
      },
      'mfa-code': { type: 'string', value: 'CODE', help: 'the current MFA code, when one is needed' },
    },
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const role = findRole(core, args.positionals[0] as string);
      // Every input is checked before any AWS call.
      const requested = integerOption(args, 'duration');
      consoleSessionDuration(requested, false);
      const mfaCode = stringOption(args, 'mfa-code');
      const live = await liveSession(
        core,
        io,
        role,
        { mfaCode: mfaCode === undefined ? undefined : checkMfaCode(mfaCode) },
        60_000,
      );
      const session = core.sessions.get(role.id);
      const chained = session?.via === 'chained' || session?.via === 'mfa-session';
      if (consoleSessionDuration(requested, chained).capped) {
        io.err('rolebar: console sessions from role chaining last under 1 hour: asked for 3599 seconds.');
      }
      const url = await withSpinner(io, 'Signing in…', () =>
        consoleSigninUrl(live.credentials, {
          partition: partitionOfArn(session?.principalArn ?? role.roleArn ?? ''),
          chained,
          sessionDurationSeconds: requested,
          region: live.session.region,
          env: io.env,
        }),
      );
      if (flag(args, 'print')) {
        io.out(url);
        return 0;
      }
      const problem = await openInBrowser(url);
      if (problem !== undefined) {
        throw new RolebarError('browser-failed', `Could not open a browser: ${problem}.`, {
          hint: `Print the sign-in URL instead and open it yourself: \`${suggestCommand('console', role.label, '--print')}\`.`,
        });
      }
      io.err(`rolebar: opened the console as ${session?.principalArn ?? role.label}.`);
      return 0;
    }),
};

/** `console`. */
export const commands: Record<string, Command> = { console: consoleCommand };
