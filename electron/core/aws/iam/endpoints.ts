import { checkEndpointUrl, type EnvVars, type Partition } from '../../domain/endpoints.js';

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

/**
 * Picks the IAM endpoint the way the AWS tools do: `AWS_ENDPOINT_URL_IAM`, then `AWS_ENDPOINT_URL`, else the
 * partition's own IAM endpoint. The signing region is always the partition's home region.
 */
export function resolveIamTarget(partition: Partition, env: EnvVars): IamTarget {
  const home = IAM_ENDPOINTS[partition];
  const override = env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL;
  if (override) return { ...home, partition, endpoint: checkEndpointUrl(override, 'IAM'), overridden: true };
  return { ...home, partition, overridden: false };
}
