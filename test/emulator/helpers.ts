/** Shared helpers for the STS emulator tests (test-only: assertions live here, not in the library). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Credentials, STSClient } from '@aws-sdk/client-sts';
import {
  createManualClock,
  type ManualClock,
  SEED_KEYS,
  type StsEmulator,
  seedWorld,
  signRequest,
  startStsEmulator,
  type WorldSpec,
} from '../../electron/emulator/index.js';

// The SDK prints a Node-version notice on stderr; it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Static credentials as the SDK takes them. */
export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Seed long-term credentials by user. */
export const alice: Creds = {
  accessKeyId: SEED_KEYS.alice.accessKeyId,
  secretAccessKey: SEED_KEYS.alice.secretAccessKey,
};
/** Bob's key is inactive in the seed. */
export const bob: Creds = {
  accessKeyId: SEED_KEYS.bob.accessKeyId,
  secretAccessKey: SEED_KEYS.bob.secretAccessKey,
};
/** Carol has no MFA device. */
export const carol: Creds = {
  accessKeyId: SEED_KEYS.carol.accessKeyId,
  secretAccessKey: SEED_KEYS.carol.secretAccessKey,
};
/** Root keys of account 111111111111. */
export const devRoot: Creds = {
  accessKeyId: SEED_KEYS.devRoot.accessKeyId,
  secretAccessKey: SEED_KEYS.devRoot.secretAccessKey,
};

/** An emulator on a manual clock (starting at the real time, so real signers stay within the 15-minute window). */
export async function startManual(
  world: WorldSpec = seedWorld(),
): Promise<{ emu: StsEmulator; clock: ManualClock }> {
  const clock = createManualClock(Date.now());
  const emu = await startStsEmulator({ world, clock });
  return { emu, clock };
}

/** A fresh SDK client signing with the emulator's current time (no retries unless asked). */
export function sdk(
  emu: StsEmulator,
  creds: Creds,
  options: { maxAttempts?: number; region?: string; skewMs?: number } = {},
): STSClient {
  return new STSClient({
    endpoint: emu.endpoint,
    region: options.region ?? 'us-east-1',
    credentials: creds,
    maxAttempts: options.maxAttempts ?? 1,
    systemClockOffset: options.skewMs ?? emu.now() - Date.now(),
  });
}

/** Turns SDK `Credentials` into static credentials (asserting they are all there). */
export function credsOf(c: Credentials | undefined): Creds {
  assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken, 'credentials missing from the response');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Asserts that an SDK call fails with this AWS error code, HTTP status and (optionally) message. */
export async function expectStsError(
  promise: Promise<unknown>,
  code: string,
  status: number,
  message?: string | RegExp,
): Promise<void> {
  let failure: SdkError | undefined;
  try {
    await promise;
  } catch (error) {
    failure = error as SdkError;
  }
  assert.ok(failure, `expected ${code} but the call succeeded`);
  assert.equal(failure.Code ?? failure.name, code, `unexpected error: ${failure.name}: ${failure.message}`);
  assert.equal(failure.$metadata?.httpStatusCode, status, `unexpected status for ${code}`);
  if (typeof message === 'string') assert.equal(failure.message, message);
  else if (message) assert.match(failure.message ?? '', message);
}

/** The answer of a raw HTTP request. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** `<Code>` of an XML error, if any. */
  code: string | undefined;
  /** `<Message>` of an XML error, if any. */
  message: string | undefined;
}

/** Sends a raw HTTP request to the emulator with exactly these headers. */
export function rawRequest(
  emu: StsEmulator,
  options: { method?: string; path?: string; headers?: Array<[string, string]>; body?: string },
): Promise<RawAnswer> {
  const body = options.body ?? '';
  const headers = [...(options.headers ?? [])];
  if (!headers.some(([k]) => k.toLowerCase() === 'host')) headers.push(['host', `127.0.0.1:${emu.port}`]);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: emu.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/',
        headers: headers.flat(),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
            message: /<Message>([^<]*)<\/Message>/
              .exec(text)?.[1]
              ?.replace(/&apos;/g, "'")
              .replace(/&quot;/g, '"')
              .replace(/&amp;/g, '&'),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Form-encodes STS parameters (Version added). */
export function formBody(params: Record<string, string>): string {
  return new URLSearchParams({ Version: '2011-06-15', ...params }).toString().replace(/\+/g, '%20');
}

/**
 * Hand-signs (our own SigV4 signer) a form POST and sends it; `tamper` may change the signed request
 * before it is sent (e.g. alter the body) to prove the verifier notices.
 */
export async function signedPost(
  emu: StsEmulator,
  creds: Creds,
  params: Record<string, string>,
  options: {
    atMs?: number;
    region?: string;
    service?: string;
    tamper?: (r: { headers: Array<[string, string]>; body: string }) => void;
  } = {},
): Promise<RawAnswer> {
  const body = formBody(params);
  const headers = signRequest(
    {
      method: 'POST',
      url: '/',
      headers: [
        ['host', `127.0.0.1:${emu.port}`],
        ['content-type', 'application/x-www-form-urlencoded; charset=utf-8'],
      ],
      body: Buffer.from(body),
    },
    {
      ...creds,
      atMs: options.atMs ?? emu.now(),
      region: options.region ?? 'us-east-1',
      service: options.service ?? 'sts',
    },
  );
  const sent = { headers, body };
  options.tamper?.(sent);
  return rawRequest(emu, { headers: sent.headers, body: sent.body });
}

/** Path of the AWS CLI v2 the tests drive. */
export const AWS_CLI = '/usr/bin/aws';

/** Fails with a one-line hint when the AWS CLI v2 is not installed. */
export function requireAwsCli(): void {
  if (!existsSync(AWS_CLI))
    throw new Error(`${AWS_CLI} is missing: apt-get install awscli (AWS CLI v2 is needed for these tests)`);
}

/** Result of one AWS CLI run (stdout parsed as JSON when the call succeeded). */
export interface CliResult {
  exitCode: number;
  json: Record<string, unknown> | undefined;
  stderr: string;
}

/** An isolated AWS CLI environment: temp HOME and config/credentials files, never the real ~/.aws. */
export class AwsCliSandbox {
  readonly home = mkdtempSync(join(tmpdir(), 'rolebar-awscli-'));

  constructor(private readonly emu: StsEmulator) {
    writeFileSync(join(this.home, 'config'), '[default]\nregion = us-east-1\noutput = json\n');
    writeFileSync(
      join(this.home, 'credentials'),
      `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
    );
  }

  /** Runs `/usr/bin/aws ARGS --endpoint-url … --region us-east-1 --output json` with a profile or explicit credentials. */
  run(args: string[], auth: { profile: string } | Creds): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.home,
      AWS_CONFIG_FILE: join(this.home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(this.home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      AWS_CLI_AUTO_PROMPT: 'off',
    };
    if ('profile' in auth) env.AWS_PROFILE = auth.profile;
    else {
      env.AWS_ACCESS_KEY_ID = auth.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = auth.secretAccessKey;
      if (auth.sessionToken !== undefined) env.AWS_SESSION_TOKEN = auth.sessionToken;
    }
    const fullArgs = [
      ...args,
      '--endpoint-url',
      this.emu.endpoint,
      '--region',
      'us-east-1',
      '--output',
      'json',
    ];
    return new Promise((resolve) => {
      execFile(AWS_CLI, fullArgs, { env, timeout: 30_000 }, (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: Record<string, unknown> | undefined;
        if (exitCode === 0) json = JSON.parse(stdout) as Record<string, unknown>;
        resolve({ exitCode, json, stderr: stderr.trim() });
      });
    });
  }

  /** Removes the temp HOME. */
  dispose(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
