import { RolebarError } from '../../domain/errors.js';
import type { Partition } from '../../domain/endpoints.js';

/** IAM is global per partition: one endpoint, signed for the partition's home region. */
export const IAM_ENDPOINTS: Record<Partition, { endpoint: string; region: string }> = {
  aws: { endpoint: 'https://iam.amazonaws.com', region: 'us-east-1' },
  'aws-cn': { endpoint: 'https://iam.cn-north-1.amazonaws.com.cn', region: 'cn-north-1' },
  'aws-us-gov': { endpoint: 'https://iam.us-gov.amazonaws.com', region: 'us-gov-west-1' },
};

/** Where an IAM call goes and which region signs it. */
export interface IamTarget {
  endpoint: string;
  region: string;
  partition: Partition;
  /** True when the environment chose the endpoint (a local stand-in, a proxy). */
  overridden: boolean;
}

/** The partition named by an ARN (`arn:aws-cn:…`), `aws` when it names none Rolebar knows. */
export function partitionOfArn(arn: string): Partition {
  const partition = arn.split(':')[1];
  return partition === 'aws-cn' || partition === 'aws-us-gov' ? partition : 'aws';
}

/**
 * Picks the IAM endpoint the way the AWS tools do: `AWS_ENDPOINT_URL_IAM`, then `AWS_ENDPOINT_URL`, else the
 * partition's own IAM endpoint. The signing region is always the partition's home region.
 */
export function resolveIamTarget(partition: Partition, env: NodeJS.ProcessEnv = process.env): IamTarget {
  const home = IAM_ENDPOINTS[partition];
  const override = env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL;
  if (override) return { ...home, partition, endpoint: checkEndpointUrl(override), overridden: true };
  return { ...home, partition, overridden: false };
}

function checkEndpointUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RolebarError('invalid-endpoint', `"${url}" is not a valid IAM endpoint URL.`, {
      hint: 'Use a full URL such as https://iam.amazonaws.com or http://127.0.0.1:4566 (AWS_ENDPOINT_URL_IAM).',
    });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RolebarError(
      'invalid-endpoint',
      `The IAM endpoint ${url} must use https (or http for a local stand-in).`,
    );
  }
  return url.replace(/\/+$/, '');
}
