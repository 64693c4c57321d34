// A floor for the bench: one Secret Service read in a bundle that does nothing else (no settings, no rules, no
// output format), the least any credential_process answer that reads the keychain can cost.
import { secretServiceReader } from '../../../electron/core/platform/keychain/secret-service.js';

const reader = secretServiceReader(process.env);
const secret = await reader?.getPassword(process.env.ROLEBAR_KEYCHAIN_SERVICE ?? '', 'floor');
reader?.reset();
if (typeof secret !== 'string') process.exit(1);
process.stdout.write(`${secret.length}\n`);
