// The small entry that `credential_process` lines run (out/cli/credential-process.mjs, written by
// setup-profile and by import). The AWS CLI starts it on every call, so a cached answer must cost little more
// than starting Node: this bundle holds only the cache lookups (credential-cache.ts: settings, the profile or
// the keychain (an identity's key, or its session), the same rule and record parsers and the same printed JSON as the full CLI). Anything else (a
// session to renew, --help, a typo, --mfa-code) is handed to the full CLI, imported from the bundle beside this
// one with the same argv.
import {
  cachedIdentityCredentials,
  cachedProcessCredentials,
  credentialProcessLine,
} from './credential-cache.js';
import { errorLine } from './output.js';
import { KeychainUnavailableError } from '../core/platform/keychain/keychain.js';

/**
 * What the cache may answer: exactly `credential-process ROLE`, `credential-process --identity NAME` (its key) or
 * `credential-process --identity NAME --session`, the lines setup-profile and import write.
 */
function cachedQuestion(
  argv: string[],
): { role: string } | { identity: string; session: boolean } | undefined {
  const [command, first, second, ...rest] = argv;
  if (command !== 'credential-process' || first === undefined) return undefined;
  if (first === '--identity' && second !== undefined && !second.startsWith('-')) {
    const session = rest.length === 1 && rest[0] === '--session';
    return rest.length === 0 || session ? { identity: second, session } : undefined;
  }
  if (first.startsWith('-') || second !== undefined || rest.length > 0) return undefined;
  return { role: first };
}

async function serveCached(argv: string[]): Promise<boolean> {
  const question = cachedQuestion(argv);
  if (!question) return false;
  let answer;
  try {
    answer =
      'role' in question
        ? await cachedProcessCredentials(process.env, question.role)
        : await cachedIdentityCredentials(process.env, question.identity, { session: question.session });
  } catch (error) {
    process.stderr.write(`${errorLine(error)}\n`);
    // A keychain file that cannot be opened (locked, a wrong passphrase): the full CLI would say the same.
    if (error instanceof KeychainUnavailableError && error.reason !== 'timeout') {
      process.exitCode = 1;
      return true;
    }
    // The keychain did not answer in time: keytar's thread is stuck in libsecret, and Node joins it on exit,
    // so no ordinary exit would ever finish. End the process the one way that cannot hang.
    process.kill(process.pid, 'SIGKILL');
    return true;
  }
  if (!answer) return false;
  // A reader that went away (EPIPE) ends this quietly, as the full CLI does (exit 128 + SIGPIPE).
  process.stdout.on('error', (error: NodeJS.ErrnoException) =>
    process.exit(error.code === 'EPIPE' ? 141 : 1),
  );
  process.stdout.write(credentialProcessLine(answer));
  return true;
}

// A non-literal specifier, so the full CLI stays its own bundle: loaded only when the cache cannot answer.
const fullCli = new URL('./rolebar.mjs', import.meta.url).href;
if (!(await serveCached(process.argv.slice(2)))) await import(fullCli);
