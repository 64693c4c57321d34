/*
 * Child process for the concurrency and kill tests (not a test file). Usage:
 *   writer-child.ts profiles <home> <name>...   write each profile once, then exit
 *   writer-child.ts flip <home> <name>          once a line arrives on stdin, rewrite <name> alternating sessions
 *                                               B/A forever, printing "ready" after the first write
 * (flip waits for its go so that the test can start the next writer while it kills the current one.)
 */
import { fakeSession } from './helpers.js';
import { writeProfile } from '../../../electron/core/aws-files/index.js';

const [mode, home, ...names] = process.argv.slice(2);
if (!home) throw new Error('usage: writer-child.ts profiles|flip <home> <name>...');
const where = {
  homedir: home,
  env: { AWS_SHARED_CREDENTIALS_FILE: `${home}/.aws/credentials`, AWS_CONFIG_FILE: `${home}/.aws/config` },
};

if (mode === 'profiles') {
  for (const name of names) await writeProfile(fakeSession(name, name.slice(-4), 'eu-west-1'), where);
} else {
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const name = names[0] ?? 'big';
  for (let i = 0; ; i++) {
    await writeProfile(fakeSession(name, i % 2 === 0 ? 'B' : 'A'), where);
    if (i === 0) process.stdout.write('ready\n');
  }
}
