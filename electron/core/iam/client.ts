import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type * as SignatureV4Module from '@smithy/signature-v4';
import type { AwsCredentials } from '../sts/client.js';
import type { IamTarget } from './endpoints.js';
import { type IamCallContext, IamError, type IamFault, toIamError } from './errors.js';
import { child, children, parseXml, textOf, type XmlNode, XmlSyntaxError } from './xml.js';

/** The IAM Query API version. */
export const IAM_API_VERSION = '2010-05-08';

/** A role as ListRoles and GetRole describe it. */
export interface IamRoleInfo {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createDate: string | undefined;
  description: string | undefined;
  /** Seconds; AWS's default is 3600. */
  maxSessionDuration: number;
  /** The trust policy, URL-decoded and parsed; undefined when it could not be read. */
  trustPolicy: unknown;
}

/** One page of ListRoles. */
export interface ListRolesPage {
  roles: IamRoleInfo[];
  /** Set when more roles follow: pass it back as `marker`. */
  marker: string | undefined;
}

/** ListRoles' parameters. */
export interface ListRolesInput {
  pathPrefix?: string | undefined;
  marker?: string | undefined;
  /** 1–1000 (AWS's default is 100). */
  maxItems?: number | undefined;
}

/** The few IAM calls Rolebar makes, signed with SigV4 for service `iam`; failures are {@link IamError}s. */
export interface IamCaller {
  listRoles(
    target: IamTarget,
    credentials: AwsCredentials,
    input: ListRolesInput,
    context: IamCallContext,
  ): Promise<ListRolesPage>;
  getRole(
    target: IamTarget,
    credentials: AwsCredentials,
    roleName: string,
    context: IamCallContext,
  ): Promise<IamRoleInfo>;
  /** Adds or replaces an inline policy on a role of the credentials' own account. */
  putRolePolicy(
    target: IamTarget,
    credentials: AwsCredentials,
    input: { roleName: string; policyName: string; policyDocument: string },
    context: IamCallContext,
  ): Promise<void>;
  /** Closes kept connections. */
  close(): void;
}

/** Options of {@link createIamCaller}. */
export interface IamCallerOptions {
  /** Local clock, for the signature date. */
  now?: () => number;
  /** Attempts per call, retries included (throttling, 5xx and dropped connections back off and retry). */
  maxAttempts?: number;
  /** Milliseconds before a silent connection or answer counts as a network failure. */
  requestTimeoutMs?: number;
}

type SignerModule = typeof SignatureV4Module;
let signerModule: Promise<SignerModule> | undefined;
/** The signer is loaded on the first IAM call only. */
function loadSigner(): Promise<SignerModule> {
  signerModule ??= import('@smithy/signature-v4');
  return signerModule;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: SourceData, encoding?: BufferEncoding): Buffer {
  if (typeof data === 'string') return Buffer.from(data, encoding ?? 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(new Uint8Array(data));
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the Smithy signer asks for. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: SourceData, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    this.hash.update(toBuffer(data, encoding));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** RFC 3986 form encoding, as the AWS Query API signs it. */
function formEncode(params: Record<string, string>): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(params)
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');
}

interface RawAnswer {
  status: number;
  body: string;
}

class NetworkFault extends Error {
  constructor(
    readonly networkCode: string,
    cause?: unknown,
  ) {
    super(`network: ${networkCode}`, cause === undefined ? undefined : { cause });
  }
}

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** Makes the IAM caller: Node's http(s) with kept-alive connections, signed by `@smithy/signature-v4`. */
export function createIamCaller(options: IamCallerOptions = {}): IamCaller {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 3;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  async function once(target: IamTarget, credentials: AwsCredentials, body: string): Promise<RawAnswer> {
    const { SignatureV4 } = await loadSigner();
    const url = new URL(target.endpoint);
    const signer = new SignatureV4({
      service: 'iam',
      region: target.region,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      },
      sha256: NodeSha256,
      uriEscapePath: true,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname || '/',
        query: {},
        headers: {
          host: url.host,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
      },
      { signingDate: new Date(now()) },
    );
    const secure = url.protocol === 'https:';
    return new Promise<RawAnswer>((resolve, reject) => {
      const req = (secure ? https : http).request(
        {
          hostname: url.hostname,
          port: url.port || (secure ? 443 : 80),
          path: url.pathname || '/',
          method: 'POST',
          headers: signed.headers,
          agent: secure ? agents.https : agents.http,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new NetworkFault('too-large'));
            else chunks.push(c);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (e) => reject(new NetworkFault('ECONNRESET', e)));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new NetworkFault('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(e instanceof NetworkFault ? e : new NetworkFault(e.code ?? 'ECONNRESET', e)),
      );
      req.end(body);
    });
  }

  async function call(
    target: IamTarget,
    credentials: AwsCredentials,
    params: Record<string, string>,
    context: IamCallContext,
  ): Promise<XmlNode> {
    const body = formEncode({ Action: context.action, Version: IAM_API_VERSION, ...params });
    const ctx: IamCallContext = { accessKeyId: credentials.accessKeyId, ...context };
    let fault: IamFault = {};
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(Math.min(2_000, 100 * 2 ** (attempt - 2)) * (0.5 + Math.random() / 2));
      let answer: RawAnswer;
      try {
        answer = await once(target, credentials, body);
      } catch (error) {
        if (!(error instanceof NetworkFault)) throw error;
        fault = { networkCode: error.networkCode, cause: error.cause };
        continue;
      }
      let root: XmlNode;
      try {
        root = parseXml(answer.body);
      } catch (error) {
        if (!(error instanceof XmlSyntaxError)) throw error;
        fault = { status: answer.status };
        if (answer.status >= 500) continue;
        throw new IamError(
          'service-error',
          'AWS IAM sent an answer Rolebar cannot read.',
          unreadableHint(target),
          {
            cause: error,
          },
        );
      }
      if (answer.status === 200 && root.name === `${context.action}Response`) return root;
      // <ErrorResponse><Error> and <ErrorResponse><Errors><Error>: botocore and the SDK read both shapes.
      const error = child(root, 'Error') ?? child(child(root, 'Errors'), 'Error');
      fault = { status: answer.status, awsCode: textOf(error, 'Code'), awsMessage: textOf(error, 'Message') };
      const retryable = answer.status >= 500 || /^Throttling/.test(fault.awsCode ?? '');
      if (!retryable) break;
    }
    throw toIamError(fault, ctx);
  }

  return {
    async listRoles(target, credentials, input, context) {
      const params: Record<string, string> = {};
      if (input.pathPrefix !== undefined) params.PathPrefix = input.pathPrefix;
      if (input.marker !== undefined) params.Marker = input.marker;
      if (input.maxItems !== undefined) params.MaxItems = String(input.maxItems);
      const root = await call(target, credentials, params, { ...context, action: 'ListRoles' });
      const result = child(root, 'ListRolesResult');
      const truncated = textOf(result, 'IsTruncated') === 'true';
      return {
        roles: children(child(result, 'Roles'), 'member').map(roleOf),
        marker: truncated ? textOf(result, 'Marker') : undefined,
      };
    },
    async getRole(target, credentials, roleName, context) {
      const root = await call(
        target,
        credentials,
        { RoleName: roleName },
        {
          ...context,
          action: 'GetRole',
          roleName,
        },
      );
      const role = child(child(root, 'GetRoleResult'), 'Role');
      if (!role)
        throw new IamError('service-error', 'AWS IAM answered GetRole without a role.', 'Try again.');
      return roleOf(role);
    },
    async putRolePolicy(target, credentials, input, context) {
      await call(
        target,
        credentials,
        { RoleName: input.roleName, PolicyName: input.policyName, PolicyDocument: input.policyDocument },
        { ...context, action: 'PutRolePolicy', roleName: input.roleName },
      );
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function unreadableHint(target: IamTarget): string {
  return target.overridden
    ? `Check the IAM endpoint setting (${target.endpoint}, from AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL).`
    : 'Try again; a proxy may be answering instead of AWS.';
}

/** Reads a `<member>`/`<Role>` element; the trust policy arrives URL-encoded JSON. */
function roleOf(node: XmlNode): IamRoleInfo {
  const max = Number(textOf(node, 'MaxSessionDuration') ?? '3600');
  return {
    roleName: textOf(node, 'RoleName') ?? '',
    roleId: textOf(node, 'RoleId') ?? '',
    arn: textOf(node, 'Arn') ?? '',
    path: textOf(node, 'Path') ?? '/',
    createDate: textOf(node, 'CreateDate'),
    description: textOf(node, 'Description'),
    maxSessionDuration: Number.isInteger(max) && max > 0 ? max : 3600,
    trustPolicy: decodePolicy(textOf(node, 'AssumeRolePolicyDocument')),
  };
}

/** A URL-encoded JSON policy as IAM returns it, parsed; undefined when absent or unreadable. */
export function decodePolicy(encoded: string | undefined): unknown {
  if (encoded === undefined || encoded === '') return undefined;
  for (const text of [safeDecode(encoded), encoded]) {
    try {
      return JSON.parse(text ?? '') as unknown;
    } catch {
      // Try the next reading.
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
