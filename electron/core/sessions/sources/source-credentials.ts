import { RolebarError } from '../../domain/errors.js';
import type { IdentityStore } from '../../store/identities.js';
import type { Identity } from '../../domain/model.js';
import type { AwsCredentials } from '../../aws/sts/client.js';
import { resolveAwsFilePaths } from '../../aws-files/index.js';

/** How an identity's own (source) credentials are obtained. */
export interface SourceCredentialOptions {
  identities: IdentityStore;
  env: NodeJS.ProcessEnv;
  homedir?: string | undefined;
  /** An MFA code for a `~/.aws` profile that itself asks for one. */
  mfaCode?: string | undefined;
}

/**
 * The credentials an identity signs with: an IAM user's keys from the keychain, or what the AWS SDK's own
 * providers find for a `~/.aws` profile or a `credential_source` (environment, EC2 instance, ECS container).
 */
export async function sourceCredentials(
  identity: Identity,
  options: SourceCredentialOptions,
): Promise<AwsCredentials> {
  switch (identity.kind) {
    case 'iam-user':
      return {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: await options.identities.secretOf(identity.id),
      };
    case 'aws-profile': {
      const { fromIni } = await import('@aws-sdk/credential-provider-ini');
      const paths = resolveAwsFilePaths({
        env: options.env,
        ...(options.homedir ? { homedir: options.homedir } : {}),
      });
      return fromSdk(identity, () =>
        fromIni({
          profile: identity.profile,
          filepath: paths.credentials,
          configFilepath: paths.config,
          ignoreCache: true,
          mfaCodeProvider: async (serial) => {
            if (options.mfaCode) return options.mfaCode;
            throw new RolebarError(
              'mfa-required',
              `The profile "${identity.profile}" asks for an MFA code (${serial}).`,
              {
                hint: 'Enter the current code from your MFA device.',
              },
            );
          },
        })(),
      );
    }
    case 'identity-center':
      throw new RolebarError(
        'identity-center-source',
        `"${identity.name}" signs in to IAM Identity Center: it has no credentials of its own.`,
        {
          hint: 'Use one of its Identity Center roles (`rolebar sso roles NAME`), or a role assumed from one.',
        },
      );
    case 'credential-source':
      return fromSdk(identity, async () => {
        if (identity.source === 'Environment') {
          const { fromEnv } = await import('@aws-sdk/credential-provider-env');
          return withEnv(options.env, () => fromEnv()());
        }
        const imds = await import('@smithy/credential-provider-imds');
        const provider =
          identity.source === 'EcsContainer' ? imds.fromContainerMetadata() : imds.fromInstanceMetadata();
        return provider();
      });
  }
}

async function fromSdk(
  identity: Identity,
  load: () => Promise<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    expiration?: Date;
  }>,
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
    const where =
      identity.kind === 'aws-profile'
        ? `the profile "${identity.profile}"`
        : `the ${identity.kind === 'credential-source' ? identity.source : ''} credential source`;
    // The SDK's messages name files and profiles, never secrets.
    const reason = error instanceof Error ? error.message : String(error);
    throw new RolebarError(
      'source-credentials',
      `No credentials could be loaded from ${where} for "${identity.name}": ${reason}`,
      {
        hint: 'Check that the profile exists and works with `aws sts get-caller-identity --profile NAME`.',
        cause: error,
      },
    );
  }
}

/** fromEnv reads process.env; run it against the environment Rolebar was given. */
async function withEnv<T>(env: NodeJS.ProcessEnv, run: () => Promise<T>): Promise<T> {
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
