// What the sources that let the AWS SDK's own providers find credentials share (an AWS profile, a
// `credential_source`): one error in the user's words, and the environment Rolebar was given instead of its own.
import { RolebarError } from '../../domain/errors.js';
import type { AwsCredentials } from '../../aws/sts/client.js';

/** What an SDK credential provider answers. */
interface SdkCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * Runs an SDK provider; a failure becomes `source-credentials`, naming `where` the credentials were looked for
 * (`the profile "dev"`, `the Environment credential source`) and the identity `name`. Our own errors pass as they are.
 */
export async function fromSdk(
  where: string,
  name: string,
  load: () => Promise<SdkCredentials>,
): Promise<AwsCredentials> {
  try {
    const found = await load();
    return {
      accessKeyId: found.accessKeyId,
      secretAccessKey: found.secretAccessKey,
      sessionToken: found.sessionToken,
      expiration: found.expiration,
    };
  } catch (error) {
    if (error instanceof RolebarError) throw error;
    // The SDK's messages name files and profiles, never secrets.
    const reason = error instanceof Error ? error.message : String(error);
    throw new RolebarError(
      'source-credentials',
      `No credentials could be loaded from ${where} for "${name}": ${reason}`,
      {
        hint: 'Check that the profile exists and works with `aws sts get-caller-identity --profile NAME`.',
        cause: error,
      },
    );
  }
}

/** Runs `run` (which reads process.env, as the SDK's fromEnv does) against the environment Rolebar was given. */
export async function withEnv<T>(env: NodeJS.ProcessEnv, run: () => Promise<T>): Promise<T> {
  if (env === process.env) return run();
  const keys = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
  ];
  const saved = keys.map((key) => [key, process.env[key]] as const);
  for (const key of keys) {
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }
  try {
    return await run();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
