// What both switch benches start from: alice's keys, one role she assumes without MFA, and a bare SDK client
// that sends the same AssumeRole, so a bench can subtract the STS round trip from a full switch.
import { STSClient } from '@aws-sdk/client-sts';
import { SEED_KEYS, SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice, type CoreFixture, startCoreFixture } from '../support/core-fixture.js';

/** The fixture (the caller closes it), the role's id and the bare client. */
export async function switchBench(
  name: string,
): Promise<{ f: CoreFixture; roleId: string; client: STSClient }> {
  const f = await startCoreFixture(name);
  try {
    const alice = await addAlice(f.core, { mfa: false });
    const role = f.core.roles.add({
      label: 'bench',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: alice.id },
      mfa: false,
      sessionName: 'bench',
    });
    const client = new STSClient({
      endpoint: f.emu.endpoint,
      region: 'us-east-1',
      credentials: SEED_KEYS.alice,
    });
    return { f, roleId: role.id, client };
  } catch (error) {
    await f.close();
    throw error;
  }
}
