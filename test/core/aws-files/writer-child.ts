/*
 * Child process for the concurrency and kill tests (not a test file). Usage:
 *   writer-child.ts profiles <home> <name>...   write each profile once, then exit
 *   writer-child.ts flip <home> <name>          rewrite <name> alternating sessions A/B forever, printing "ready" once
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
  const name = names[0] ?? 'big';
  for (let i = 0; ; i++) {
    await writeProfile(fakeSession(name, i % 2 === 0 ? 'B' : 'A'), where);
    if (i === 0) process.stdout.write('ready\n');
  }
}
