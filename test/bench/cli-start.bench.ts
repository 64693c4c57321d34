// The AWS CLI runs `credential_process` on every call, so the rolebar CLI's start-up is paid each time.
// Prints its median wall time beside `node -e 0` and the AWS CLI's own start (budget: at most 3x node -e 0).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { awsCliPath } from '../support/prerequisites.js';
import { medianWallMs, report } from './measure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out/cli/rolebar.mjs');
const runs = 21;

console.log('CLI start-up (median wall time, same run)');
const node = medianWallMs(process.execPath, ['-e', '0'], runs);
report('node -e 0', node);
const rolebar = medianWallMs(process.execPath, [cli, 'version'], runs);
report('rolebar version', rolebar, 'ms', `${(rolebar / node).toFixed(2)}x node (budget 3x)`);
if (existsSync(awsCliPath())) {
  const aws = medianWallMs(awsCliPath(), ['--version'], 5);
  report('aws --version', aws, 'ms', `${(aws / node).toFixed(2)}x node`);
}
