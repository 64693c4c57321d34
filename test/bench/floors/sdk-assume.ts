// A floor for the bench: the AWS SDK's AssumeRole alone (client-sts, keys from the environment, nothing read or
// written), the least any `assume` built on the SDK can cost.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

const client = new STSClient({
  region: 'us-east-1',
  endpoint: process.env.AWS_ENDPOINT_URL_STS,
  credentials: {
    accessKeyId: process.env.FLOOR_ACCESS_KEY_ID ?? '',
    secretAccessKey: process.env.FLOOR_SECRET_ACCESS_KEY ?? '',
  },
});
const answer = await client.send(
  new AssumeRoleCommand({ RoleArn: process.env.FLOOR_ROLE_ARN, RoleSessionName: 'floor' }),
);
client.destroy();
if (!answer.Credentials) process.exit(1);
