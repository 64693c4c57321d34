// The small entry that `credential_process` lines run (out/cli/credential-process.mjs, written by
// setup-profile). The AWS CLI starts it on every call, so a cached answer must cost little more than starting
// Node: this bundle holds only the cache lookup (credential-cache.ts: settings and profile read, the same rule
// and record parsers and the same printed JSON as the full CLI). Anything else (a session to renew, --help,
// a typo, --identity) is handed to the full CLI, imported from the bundle beside this one with the same argv.
import { cachedProcessCredentials, credentialProcessLine } from './credential-cache.js';

/** The role key when argv is exactly `credential-process ROLE`, the only shape served from the cache. */
function cachedRoleKey(argv: string[]): string | undefined {
  const [command, key, ...rest] = argv;
  // `--identity NAME` (a cached identity session, issue 12) is not looked up here yet: the full CLI answers.
  if (command !== 'credential-process' || key === undefined || key.startsWith('-') || rest.length > 0)
    return undefined;
  return key;
}

async function serveCached(argv: string[]): Promise<boolean> {
  const key = cachedRoleKey(argv);
  const answer = key === undefined ? undefined : await cachedProcessCredentials(process.env, key);
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
