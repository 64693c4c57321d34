import type {
  OneOrMany,
  PolicyCondition,
  PolicyDocument,
  PolicyPrincipal,
  PolicyStatement,
} from './types.js';

/** Request context values (single- or multi-valued), keyed by lower-cased condition key. */
export type PolicyContext = Map<string, string | string[]>;

/** The calling principal as trust policies see it. */
export interface PrincipalInfo {
  accountId: string;
  /** ARNs that name this principal exactly (user ARN; role ARN and assumed-role session ARN). */
  arns: string[];
}

/** What is being asked of a policy. */
export interface PolicyRequest {
  action: string;
  resource: string;
  context: PolicyContext;
  /** Checked against `Principal`/`NotPrincipal` (trust and other resource policies only). */
  principal?: PrincipalInfo;
}

/** Outcome of evaluating one or more policies for a request. */
export interface PolicyOutcome {
  /** Some statement explicitly denies. */
  denied: boolean;
  /** Some statement allows. */
  allowed: boolean;
  /** Some allowing statement names the principal itself (not its account, not `*`). */
  allowedByExactPrincipal: boolean;
}

function list<T>(value: OneOrMany<T> | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const wildcardCache = new Map<string, RegExp>();

/** IAM wildcard match (`*` any run, `?` one character). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let re = wildcardCache.get(cacheKey);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    wildcardCache.set(cacheKey, re);
  }
  return re.test(value);
}

/** How a Principal block matches: not at all, via the account / `*`, or naming the principal exactly. */
export type PrincipalMatch = 'none' | 'account' | 'exact';

/** Matches a `Principal` block against the caller. */
export function matchPrincipal(block: PolicyPrincipal, who: PrincipalInfo): PrincipalMatch {
  if (block === '*') return 'account';
  let best: PrincipalMatch = 'none';
  for (const p of list(block.AWS)) {
    if (p === '*') {
      if (best === 'none') best = 'account';
    } else if (p === who.accountId || p === `arn:aws:iam::${who.accountId}:root`) {
      if (best === 'none') best = 'account';
    } else if (who.arns.includes(p)) {
      best = 'exact';
    }
  }
  return best;
}

function toText(v: string | number | boolean): string {
  return String(v);
}

function parseDate(v: string): number {
  return /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v);
}

type Matcher = (contextValue: string, policyValue: string) => boolean;

const numeric =
  (cmp: (a: number, b: number) => boolean): Matcher =>
  (c, p) => {
    const a = Number(c);
    const b = Number(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && cmp(a, b);
  };

const date =
  (cmp: (a: number, b: number) => boolean): Matcher =>
  (c, p) => {
    const a = parseDate(c);
    const b = parseDate(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && cmp(a, b);
  };

/** Positive base operators; the `Not` variants are their negation. */
const MATCHERS: Record<string, Matcher> = {
  StringEquals: (c, p) => c === p,
  StringEqualsIgnoreCase: (c, p) => c.toLowerCase() === p.toLowerCase(),
  StringLike: (c, p) => wildcardMatch(p, c),
  ArnEquals: (c, p) => wildcardMatch(p, c),
  ArnLike: (c, p) => wildcardMatch(p, c),
  NumericEquals: numeric((a, b) => a === b),
  NumericLessThan: numeric((a, b) => a < b),
  NumericLessThanEquals: numeric((a, b) => a <= b),
  NumericGreaterThan: numeric((a, b) => a > b),
  NumericGreaterThanEquals: numeric((a, b) => a >= b),
  DateEquals: date((a, b) => a === b),
  DateLessThan: date((a, b) => a < b),
  DateLessThanEquals: date((a, b) => a <= b),
  DateGreaterThan: date((a, b) => a > b),
  DateGreaterThanEquals: date((a, b) => a >= b),
  Bool: (c, p) => c.toLowerCase() === p.toLowerCase(),
};

const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
};

function evaluateOperator(
  operator: string,
  key: string,
  policyValues: string[],
  context: PolicyContext,
): boolean {
  let op = operator;
  let set: 'any' | 'all' | undefined;
  if (op.startsWith('ForAnyValue:')) [set, op] = ['any', op.slice('ForAnyValue:'.length)];
  else if (op.startsWith('ForAllValues:')) [set, op] = ['all', op.slice('ForAllValues:'.length)];
  const ifExists = op.endsWith('IfExists');
  if (ifExists) op = op.slice(0, -'IfExists'.length);
  const raw = context.get(key.toLowerCase());
  if (op === 'Null') {
    const absent = raw === undefined || (Array.isArray(raw) && raw.length === 0);
    return policyValues.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  const negatedBase = NEGATED[op];
  const matcher = MATCHERS[negatedBase ?? op];
  if (!matcher) return false; // unknown operator: the statement never applies
  const negated = negatedBase !== undefined;
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) return ifExists || negated || set === 'all';
  const one = (cv: string): boolean => policyValues.some((pv) => matcher(cv, pv));
  if (set === 'any') return values.some((cv) => (negated ? !one(cv) : one(cv)));
  if (set === 'all') return values.every((cv) => (negated ? !one(cv) : one(cv)));
  const anyMatch = values.some(one);
  return negated ? !anyMatch : anyMatch;
}

/** Evaluates a `Condition` block: every operator and every key must hold (values within a key are ORed). */
export function evaluateCondition(condition: PolicyCondition | undefined, context: PolicyContext): boolean {
  if (!condition) return true;
  for (const [operator, block] of Object.entries(condition)) {
    for (const [key, values] of Object.entries(block)) {
      if (!evaluateOperator(operator, key, list(values).map(toText), context)) return false;
    }
  }
  return true;
}

function statementApplies(s: PolicyStatement, req: PolicyRequest): PrincipalMatch {
  if (s.Action !== undefined && !list(s.Action).some((a) => wildcardMatch(a, req.action, true)))
    return 'none';
  if (s.NotAction !== undefined && list(s.NotAction).some((a) => wildcardMatch(a, req.action, true)))
    return 'none';
  if (s.Resource !== undefined && !list(s.Resource).some((r) => wildcardMatch(r, req.resource)))
    return 'none';
  if (s.NotResource !== undefined && list(s.NotResource).some((r) => wildcardMatch(r, req.resource)))
    return 'none';
  let match: PrincipalMatch = 'account';
  if (req.principal) {
    if (s.Principal !== undefined) match = matchPrincipal(s.Principal, req.principal);
    else if (s.NotPrincipal !== undefined)
      match = matchPrincipal(s.NotPrincipal, req.principal) === 'none' ? 'account' : 'none';
    else match = 'none';
    if (match === 'none') return 'none';
  }
  return evaluateCondition(s.Condition, req.context) ? match : 'none';
}

/** Evaluates policy documents for one request (no implicit allow: `allowed` is false unless a statement allows). */
export function evaluatePolicies(docs: readonly PolicyDocument[], req: PolicyRequest): PolicyOutcome {
  const outcome: PolicyOutcome = { denied: false, allowed: false, allowedByExactPrincipal: false };
  for (const doc of docs) {
    for (const s of list(doc.Statement)) {
      const match = statementApplies(s, req);
      if (match === 'none') continue;
      if (s.Effect === 'Deny') outcome.denied = true;
      else {
        outcome.allowed = true;
        if (match === 'exact') outcome.allowedByExactPrincipal = true;
      }
    }
  }
  return outcome;
}

/** Checks that a session policy is a plausible IAM policy document; returns it parsed, or undefined if not. */
export function parsePolicyDocument(json: string): PolicyDocument | undefined {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const statements = (data as { Statement?: unknown }).Statement;
  const arr = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  if (arr.length === 0) return undefined;
  for (const s of arr) {
    if (typeof s !== 'object' || s === null) return undefined;
    const st = s as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') return undefined;
    if (st.Action === undefined && st.NotAction === undefined) return undefined;
  }
  return data as PolicyDocument;
}
