import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionOfRegion, resolveStsTarget } from '../../../electron/core/domain/endpoints.js';

describe('STS endpoints and partitions', () => {
  it('uses the regional endpoint of each partition (China and GovCloud have no global one)', () => {
    assert.deepEqual(resolveStsTarget({ region: 'eu-west-1' }, {}), {
      region: 'eu-west-1',
      endpoint: 'https://sts.eu-west-1.amazonaws.com',
      overridden: false,
    });
    assert.equal(
      resolveStsTarget({ region: 'cn-north-1' }, {}).endpoint,
      'https://sts.cn-north-1.amazonaws.com.cn',
    );
    assert.equal(
      resolveStsTarget({ region: 'us-gov-west-1' }, {}).endpoint,
      'https://sts.us-gov-west-1.amazonaws.com',
    );
    assert.equal(partitionOfRegion('cn-northwest-1'), 'aws-cn');
    assert.equal(partitionOfRegion('us-gov-east-1'), 'aws-us-gov');
  });

  it('a role ARN in another partition picks that partition’s home region when none is set', () => {
    assert.equal(resolveStsTarget({ partition: 'aws-cn' }, {}).region, 'cn-north-1');
    assert.equal(
      resolveStsTarget({ partition: 'aws-us-gov' }, {}).endpoint,
      'https://sts.us-gov-west-1.amazonaws.com',
    );
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION, else us-east-1', () => {
    assert.equal(
      resolveStsTarget({}, { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-west-2' }).region,
      'ap-south-1',
    );
    assert.equal(resolveStsTarget({}, { AWS_DEFAULT_REGION: 'eu-west-2' }).region, 'eu-west-2');
    assert.equal(resolveStsTarget({}, {}).region, 'us-east-1');
  });

  it('honours overrides, most specific first: identity, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL', () => {
    const env = { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566/', AWS_ENDPOINT_URL: 'http://127.0.0.1:9999' };
    assert.equal(
      resolveStsTarget({ endpointOverride: 'https://vpce.example' }, env).endpoint,
      'https://vpce.example',
    );
    assert.equal(resolveStsTarget({}, env).endpoint, 'http://127.0.0.1:4566');
    assert.equal(
      resolveStsTarget({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9999' }).endpoint,
      'http://127.0.0.1:9999',
    );
    assert.equal(resolveStsTarget({}, env).overridden, true);
  });

  it('refuses bad regions and endpoints with a clear message', () => {
    assert.throws(() => resolveStsTarget({ region: 'Europe' }, {}), /not an AWS region name/);
    assert.throws(() => resolveStsTarget({ endpointOverride: 'ftp://x' }, {}), /must use https/);
    assert.throws(() => resolveStsTarget({ endpointOverride: 'not a url' }, {}), /not a valid endpoint URL/);
  });
});
