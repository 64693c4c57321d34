/*
 * Shared fixtures for the aws-files tests: temp homes (never the real ~/.aws) and fake sessions.
 * The values are obviously fake and still never printed: assertions compare them without messages that quote them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ProfileSession } from '../../../electron/core/aws-files/index.js';

/** A temp home with the env the module and the AWS CLI should see. */
export interface TempHome {
  home: string;
  credentials: string;
  config: string;
  env: NodeJS.ProcessEnv;
  /** Options to pass to the module's functions. */
  where: { env: NodeJS.ProcessEnv; homedir: string };
  cleanup(): Promise<void>;
}

/** Makes a fresh temp home whose credentials/config live in `<home>/.aws/`. */
export async function makeTempHome(): Promise<TempHome> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'rolebar-aws-files-'));
  const credentials = path.join(home, '.aws', 'credentials');
  const config = path.join(home, '.aws', 'config');
  const env: NodeJS.ProcessEnv = { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config };
  return {
    home,
    credentials,
    config,
    env,
    where: { env, homedir: home },
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

/** A fake session for profile `name`; `tag` varies the values. */
export function fakeSession(name: string, tag = 'A', region?: string): ProfileSession {
  const session: ProfileSession = {
    name,
    accessKeyId: `ASIAFAKE${tag}0000000000`.slice(0, 20),
    secretAccessKey: `fakeSecret/${tag}+xxxxxxxxxxxxxxxxxxxxxxxxxx`,
    sessionToken: `FakeToken//${tag}=${'t'.repeat(40)}==`,
    expiration: new Date('2030-01-02T03:04:05.000Z'),
    principalArn: `arn:aws:sts::123456789012:assumed-role/Dev/${tag}`,
  };
  if (region !== undefined) session.region = region;
  return session;
}
