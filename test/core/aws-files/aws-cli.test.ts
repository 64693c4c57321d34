/*
 * The official AWS CLI v2 reads what we wrote. Always /usr/bin/aws by absolute path (an `aws`
 * earlier on PATH may be an unrelated v1). Skipped when it is not installed. Calls run in parallel:
 * each takes about a second.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { writeProfile } from '../../../electron/core/aws-files/index.js';
import { fakeSession, makeTempHome } from './helpers.js';

const AWS = '/usr/bin/aws';

test(
  'aws configure get reads our credentials and regions (named profile and default)',
  { skip: !existsSync(AWS) && `${AWS} not installed` },
  async () => {
    const home = await makeTempHome();
    try {
      // Start from user files with comments, CRLF and an unrelated profile, as in real life.
      await mkdir(path.dirname(home.credentials), { recursive: true });
      await writeFile(
        home.credentials,
        '# work\r\n[work]\r\naws_access_key_id = AKIAFAKEWORK00000000\r\naws_secret_access_key = fake',
        { mode: 0o600 },
      );
      await writeFile(home.config, '[profile work]\nregion = us-west-2\ns3 =\n  addressing_style = path\n');
      await writeProfile(fakeSession('rolebar-dev', 'X', 'eu-central-1'), home.where);
      await writeProfile(fakeSession('default', 'Y', 'ap-southeast-2'), home.where);
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home.home,
        ...home.env,
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      const get = async (key: string, profile: string): Promise<string> =>
        (
          await promisify(execFile)(AWS, ['configure', 'get', key, '--profile', profile], { env })
        ).stdout.trim();
      // Four calls (each ~1 s of CPU): enough to cover both files, a named profile and default.
      const [key, region, defaultKey, defaultRegion] = await Promise.all([
        get('aws_access_key_id', 'rolebar-dev'),
        get('region', 'rolebar-dev'),
        get('aws_access_key_id', 'default'),
        get('region', 'default'),
      ]);
      // Compared without echoing the values (fake as they are, tests never print key material).
      assert.ok(
        key === fakeSession('rolebar-dev', 'X').accessKeyId,
        'access key id not read back by the AWS CLI',
      );
      assert.ok(
        defaultKey === fakeSession('default', 'Y').accessKeyId,
        'default access key id not read back',
      );
      assert.equal(region, 'eu-central-1');
      assert.equal(defaultRegion, 'ap-southeast-2');
    } finally {
      await home.cleanup();
    }
  },
);
