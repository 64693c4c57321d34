import { RolebarError } from './errors.js';
import { applyRule, region as regionRule, shown } from './fields.js';

/** The AWS partitions Rolebar knows: each has its own STS and console sign-in hosts. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** The region used when nothing names one: STS's home region in each partition. */
export const DEFAULT_REGION: Record<Partition, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
};

/** Environment variables as the AWS tools read them: a plain map (Node's `process.env` is one), so the page can bundle this file. */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** The partition a region belongs to. */
export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * Throws a clear error for something that is not a region name (`us-east-1`, `cn-north-1`, `us-gov-west-1`);
 * returns the name as checked (trimmed). The rule itself is rules/fields.ts's `region`.
 */
export function checkRegion(region: string): string {
  const checked = applyRule(regionRule, region);
  if (!checked.ok) {
    throw new RolebarError('invalid-region', checked.problem.message, {
      hint: checked.problem.hint,
      context: { region: shown(region) },
    });
  }
  return checked.value;
}

/** The regional STS endpoint for a region: China and GovCloud have no global endpoint, so always use regional ones. */
export function regionalStsEndpoint(region: string): string {
  const name = checkRegion(region);
  return partitionOfRegion(name) === 'aws-cn'
    ? `https://sts.${name}.amazonaws.com.cn`
    : `https://sts.${name}.amazonaws.com`;
}

/** Where an STS call goes and which region signs it. */
export interface StsTarget {
  region: string;
  endpoint: string;
  /** True when a setting or the environment chose the endpoint rather than the region. */
  overridden: boolean;
}

/**
 * Picks the STS endpoint the way the AWS tools do, most specific first: a per-identity override,
 * `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, else the region's own endpoint. The region comes from the
 * role, the identity, `AWS_REGION` / `AWS_DEFAULT_REGION`, or the partition's home region, in that order.
 */
export function resolveStsTarget(
  options: {
    region?: string | undefined;
    endpointOverride?: string | undefined;
    partition?: Partition | undefined;
  },
  env: EnvVars,
): StsTarget {
  const region = checkRegion(
    options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULT_REGION[options.partition ?? 'aws'],
  );
  const override = options.endpointOverride || env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  if (override) return { region, endpoint: checkEndpointUrl(override, 'STS'), overridden: true };
  return { region, endpoint: regionalStsEndpoint(region), overridden: false };
}

const ENDPOINT_EXAMPLES = {
  STS: { name: '', hint: 'https://sts.eu-west-1.amazonaws.com or http://127.0.0.1:4566.' },
  IAM: { name: 'IAM ', hint: 'https://iam.amazonaws.com or http://127.0.0.1:4566 (AWS_ENDPOINT_URL_IAM).' },
};

/** An endpoint URL that a setting or the environment gives for `service`: http(s) only, trailing slashes dropped. */
export function checkEndpointUrl(url: string, service: keyof typeof ENDPOINT_EXAMPLES): string {
  const { name, hint } = ENDPOINT_EXAMPLES[service];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RolebarError('invalid-endpoint', `"${url}" is not a valid ${name}endpoint URL.`, {
      hint: `Use a full URL such as ${hint}`,
    });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RolebarError(
      'invalid-endpoint',
      `The ${name}endpoint ${url} must use https (or http for a local stand-in).`,
    );
  }
  return url.replace(/\/+$/, '');
}
