// Loaded with `--import` before the built main process (see harness.ts): puts the virtual clock in place, points
// `import 'electron'` at the recording double, and opens the test's control channel. Test-only: never bundled.
import { register } from 'node:module';
import { installVirtualClock } from './clock.js';
import { startControl } from './control.js';
import { PLATFORM_VARIABLE } from './protocol.js';

const platform = process.env[PLATFORM_VARIABLE];
if (platform) Object.defineProperty(process, 'platform', { value: platform });
installVirtualClock();
register('./hooks.ts', import.meta.url);
startControl();
