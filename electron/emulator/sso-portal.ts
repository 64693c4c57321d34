import type { SessionStore } from './sessions.js';
import { jsonAnswer, type SsoAnswer, type SsoRequest, type SsoState } from './sso-state.js';

/** A portal error: `x-amzn-errortype` header and `{ message }` body, as the SSO portal answers. */
function portalError(type: string, status: number, message: string): SsoAnswer {
  const answer = jsonAnswer(status, { message }, type);
  return { ...answer, headers: { ...answer.headers, 'x-amzn-errortype': type } };
}

const unauthorized = () => portalError('UnauthorizedException', 401, 'Session token not found or invalid');

function header(req: SsoRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Pages of `items` with an opaque `next_token` bound to what is listed (default page 20, at most 100). */
function paginate<T>(
  req: SsoRequest,
  items: readonly T[],
  scope: string,
): { page: T[]; nextToken?: string } | string {
  const maxRaw = req.query.get('max_result');
  const max = maxRaw === undefined ? 20 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > 100) return 'max_result must be 1..100';
  const token = req.query.get('next_token');
  let start = 0;
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const m = /^(\d+):(.*)$/.exec(decoded);
    if (!m || m[2] !== scope) return 'Invalid next token';
    start = Number(m[1]);
  }
  const page = items.slice(start, start + max);
  const end = start + page.length;
  return end < items.length
    ? { page, nextToken: Buffer.from(`${end}:${scope}`).toString('base64url') }
    : { page };
}

/** `GET /assignment/accounts`, `GET /assignment/roles`, `GET /federation/credentials`, `POST /logout`. */
export function portal(
  state: SsoState,
  sessions: SessionStore,
  req: SsoRequest,
  action: string,
  now: number,
): SsoAnswer {
  const token = state.liveAccessToken(header(req, 'x-amz-sso_bearer_token'), now);
  if (!token) return unauthorized();
  const center = state.center;
  if (action === 'Logout') {
    state.endSignIn(token.signIn);
    return jsonAnswer(200, {});
  }
  if (action === 'ListAccounts') {
    const result = paginate(req, center.accounts, 'accounts');
    if (typeof result === 'string') return portalError('InvalidRequestException', 400, result);
    return jsonAnswer(200, {
      accountList: result.page.map((a) => ({
        accountId: a.account.id,
        accountName: a.name,
        emailAddress: a.email,
      })),
      ...(result.nextToken === undefined ? {} : { nextToken: result.nextToken }),
    });
  }
  const accountId = req.query.get('account_id') ?? '';
  const assigned = center.accounts.find((a) => a.account.id === accountId);
  if (action === 'ListAccountRoles') {
    if (!/^\d{12}$/.test(accountId)) return portalError('InvalidRequestException', 400, 'Invalid account_id');
    const names = assigned ? [...assigned.roles.keys()].sort() : [];
    const result = paginate(req, names, `roles:${accountId}`);
    if (typeof result === 'string') return portalError('InvalidRequestException', 400, result);
    return jsonAnswer(200, {
      roleList: result.page.map((roleName) => ({ roleName, accountId })),
      ...(result.nextToken === undefined ? {} : { nextToken: result.nextToken }),
    });
  }
  // GetRoleCredentials
  const roleName = req.query.get('role_name') ?? '';
  const role = assigned?.roles.get(roleName);
  if (!role) return portalError('ForbiddenException', 403, 'No access');
  const sessionName = center.userName;
  const session = sessions.issue({
    kind: 'assumed-role',
    issuedAt: now,
    expiresAt: now + role.maxSessionDuration * 1000,
    accountId: role.account.id,
    arn: `arn:aws:sts::${role.account.id}:assumed-role/${role.name}/${sessionName}`,
    userId: `${role.roleId}:${sessionName}`,
    role,
    sessionName,
    chained: false,
    tags: new Map(),
    transitiveTagKeys: new Set(),
    sessionPolicies: [],
  });
  const answer = jsonAnswer(200, {
    roleCredentials: {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: session.expiresAt,
    },
  });
  return { ...answer, principalArn: session.arn };
}
