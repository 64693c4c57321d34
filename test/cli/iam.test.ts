// Finding and setting up roles end to end: the built CLI against the emulator's IAM and STS.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REVOKE_POLICY_NAME } from '../../electron/core/features/iam/index.js';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice, CLI, type CliRun, type CliWorld, explain, startCliWorld } from './helpers.js';

const ALICE_ARN = 'arn:aws:iam::111111111111:user/alice';

describe('rolebar role discover, policy and revoke against the emulator’s IAM', () => {
  let w: CliWorld;
  /** The CLI with IAM pointed at the emulator too (it serves IAM on the STS endpoint). */
  const rolebar = (args: string[], input?: string): Promise<CliRun> =>
    w.rolebar(args, { env: { AWS_ENDPOINT_URL_IAM: w.emu.endpoint }, ...(input ? { input } : {}) });
  const inlinePolicies = (arn: string) => w.emu.world.roleByArn(arn)?.inlinePolicies.size;
  /** Roles, sessions and the AWS files (compared, never printed: the credentials file holds secrets). */
  const snapshot = () => {
    const files = w.files();
    const settings = JSON.parse(files.settings ?? '{}');
    return JSON.stringify([settings.roles, settings.sessions, files.credentials, files.config]);
  };

  before(async () => {
    w = await startCliWorld('cli-iam');
    assert.equal((await addAlice(w, ['--mfa-serial', SEED_MFA.alice.serial])).code, 0);
  });
  after(() => w.close());

  it('discover lists the account’s roles with verdicts, and --add adds one that then switches', async () => {
    const help = await rolebar(['role', '--help']);
    assert.match(help.stdout, /rolebar role discover \[--using/);
    for (const words of [['role', 'discover'], ['policy'], ['revoke']]) {
      const run = await rolebar([...words, '--help']);
      assert.equal(run.code, 0, explain(run));
      assert.match(run.stdout, new RegExp(`^Usage: rolebar ${words.join(' ')} `));
    }
    const listed = await rolebar(['role', 'discover']);
    assert.equal(listed.code, 0, explain(listed));
    assert.match(listed.stdout, /^Roles in account 111111111111, for arn:aws:iam::111111111111:user\/alice:/);
    assert.match(listed.stdout, /\nec2-worker\s+likely\s+-\s+-\n/);
    assert.match(listed.stdout, /\nteam\/dev-deploy\s+if allowed\s+your sts:AssumeRole permission\s+-\n/);
    const json = JSON.parse((await rolebar(['role', 'discover', '--json'])).stdout);
    assert.equal(json.accountId, '111111111111');
    assert.equal(json.principalArn, ALICE_ARN);
    assert.deepEqual(
      json.roles.map((r: { roleName: string; canAssume: string }) => [r.roleName, r.canAssume]),
      [
        ['ec2-worker', 'likely'],
        ['dev-deploy', 'if-allowed'],
      ],
    );
    assert.deepEqual(json.added, []);

    const added = await rolebar(['role', 'discover', '--add', 'ec2-worker']);
    assert.equal(added.code, 0, explain(added));
    assert.match(added.stdout, /Added role "ec2-worker" \(profile ec2-worker\), assumed from alice\./);
    const assumed = await rolebar(['assume', 'ec2-worker']);
    assert.equal(assumed.code, 0, explain(assumed));
    assert.match(assumed.stdout, /assumed-role\/ec2-worker\/rolebar-alice → profile ec2-worker/);

    const again = await rolebar(['role', 'discover', '--add', 'ec2-worker']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^rolebar: ec2-worker is already your role "ec2-worker"\. Switch to it/);
    const unknown = await rolebar(['role', 'discover', '--add', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^rolebar: Account 111111111111 has no role "nope"/);
    const both = await rolebar(['role', 'discover', '--add', 'x', '--add-all']);
    assert.equal(both.code, 2);
    const all = await rolebar(['role', 'discover', '--add-all']);
    assert.equal(all.code, 0, explain(all));
    assert.match(all.stdout, /No role to add: every likely one is already yours\./);
  });

  it('policy prints the trust policy for the role and the permission policy for the identity', async () => {
    const run = await rolebar(['policy', SEED_ROLES.deployer, '--for', 'alice', '--mfa', '--json']);
    assert.equal(run.code, 0, explain(run));
    const out = JSON.parse(run.stdout);
    assert.deepEqual(out.trustPolicy.Statement[0].Principal, { AWS: ALICE_ARN });
    assert.deepEqual(out.trustPolicy.Statement[0].Condition, {
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    });
    assert.equal(out.permissionPolicy.Statement[0].Resource, SEED_ROLES.deployer);
    assert.equal(out.permissionPolicy.Statement[0].Action, 'sts:AssumeRole');
    assert.equal(out.crossAccount, true);
    assert.deepEqual(
      out.placements.map((p: { document: string; accountId: string; command: string }) => [
        p.document,
        p.accountId,
        p.command.split(' --')[0],
      ]),
      [
        ['trust', '222222222222', 'aws iam update-assume-role-policy'],
        ['permission', '111111111111', 'aws iam put-user-policy'],
      ],
    );

    // A configured role: its source is who assumes it.
    const text = await rolebar(['policy', 'ec2-worker']);
    assert.equal(text.code, 0, explain(text));
    assert.match(text.stdout, /^Trust policy \(trust-policy\.json\):\n\{/);
    assert.match(text.stdout, /\nPermission policy \(permission-policy\.json\):\n\{/);
    assert.match(text.stdout, /Optional here: in the same account, a trust policy that names you is enough/);
    const trust = await rolebar(['policy', 'ec2-worker', '--document', 'trust']);
    assert.equal(JSON.parse(trust.stdout).Statement[0].Principal.AWS, ALICE_ARN);
    assert.equal((await rolebar(['policy', 'no-such-label'])).code, 1);
    assert.equal((await rolebar(['policy', 'ec2-worker', '--document', 'both'])).code, 2);
  });

  it('revoke needs --yes off a terminal; then Rolebar forgets the revoked session and credential-process assumes a new one', async () => {
    const source = ['--source', 'alice'];
    assert.equal(
      (await rolebar(['role', 'add', 'prod-ro', '--role-arn', SEED_ROLES.readonly, ...source])).code,
      0,
    );
    assert.equal(
      (await rolebar(['role', 'add', 'prod-admin', '--role-arn', SEED_ROLES.admin, ...source, '--mfa'])).code,
      0,
    );
    assert.equal((await rolebar(['assume', 'prod-ro'])).code, 0);
    const admin = await rolebar(['assume', 'prod-admin', '--mfa-code', w.emu.totp(SEED_MFA.alice.serial)]);
    assert.equal(admin.code, 0, explain(admin));

    // Listing prod with the prod session, for alice: MFA and the external ID are read from the trust policies.
    const prod = await rolebar(['role', 'discover', '--using', 'prod-ro', '--as', 'alice', '--json']);
    assert.equal(prod.code, 0, explain(prod));
    const byName = new Map(
      JSON.parse(prod.stdout).roles.map((r: { roleName: string }) => [r.roleName, r] as const),
    );
    assert.equal((byName.get('admin') as { draft: { mfa: boolean } }).draft.mfa, true);
    assert.ok((byName.get('partner') as { externalId?: string }).externalId);

    const unconfirmed = await rolebar(['revoke', 'prod-ro', '--using', 'prod-admin']);
    assert.equal(unconfirmed.code, 2, explain(unconfirmed));
    assert.match(unconfirmed.stderr, /^rolebar: 'revoke' needs --yes when stdin is not a terminal/);
    assert.equal(inlinePolicies(SEED_ROLES.readonly), 0);

    const keyOf = async () => {
      const served = await rolebar(['credential-process', 'prod-ro']);
      assert.equal(served.code, 0, explain(served));
      return String(JSON.parse(served.stdout).AccessKeyId);
    };
    const beforeKey = await keyOf();
    const revoked = await rolebar(['revoke', 'prod-ro', '--using', 'prod-admin', '--yes']);
    assert.equal(revoked.code, 0, explain(revoked));
    assert.match(
      revoked.stdout,
      /Revoked the sessions of arn:aws:iam::222222222222:role\/readonly issued before/,
    );
    assert.match(revoked.stdout, /Your session of "prod-ro" was revoked too, and Rolebar has forgotten it/);
    assert.ok(w.emu.world.roleByArn(SEED_ROLES.readonly)?.inlinePolicies.has(REVOKE_POLICY_NAME));
    // Forgotten everywhere Rolebar kept it: the record and the profile it wrote.
    const files = w.files();
    assert.equal(
      JSON.parse(files.settings ?? '{}').sessions?.some(
        (s: { profileName: string }) => s.profileName === 'prod-ro',
      ),
      false,
    );
    assert.doesNotMatch(files.credentials ?? '', /^\[prod-ro\]/m);

    // The next export (like credential-process, exec and console: one session layer) assumes a fresh session,
    // which the revoke policy lets through, and credential-process then serves that one.
    const exported = await rolebar(['export', 'prod-ro', '--format', 'dotenv']);
    assert.equal(exported.code, 0, explain(exported));
    const exportedKey = /^AWS_ACCESS_KEY_ID=(\S+)$/m.exec(exported.stdout)?.[1];
    assert.ok(exportedKey && exportedKey !== beforeKey, 'export hands out a fresh session');
    const afterKey = await keyOf();
    assert.notEqual(afterKey, beforeKey);
    assert.equal(afterKey, exportedKey);
    const fresh = await rolebar(['role', 'discover', '--using', 'prod-ro']);
    assert.equal(fresh.code, 0, explain(fresh));
  });

  it('carol, without IAM rights: one clear line, exit 1, and nothing changes', async () => {
    const carol = await rolebar(
      ['identity', 'add', 'carol', '--access-key-id', SEED_KEYS.carol.accessKeyId],
      `${SEED_KEYS.carol.secretAccessKey}\n`,
    );
    assert.equal(carol.code, 0, explain(carol));
    const before = snapshot();
    const listed = await rolebar(['role', 'discover', '--using', 'carol', '--add-all']);
    assert.equal(listed.code, 1);
    assert.equal(
      listed.stderr,
      'rolebar: You may not list roles in account 111111111111 (iam:ListRoles). Type the role ARN or name instead.\n',
    );
    const revoked = await rolebar(['revoke', SEED_ROLES.devDeploy, '--using', 'carol', '--yes']);
    assert.equal(revoked.code, 1);
    assert.match(
      revoked.stderr,
      /^rolebar: You may not change the policies of the role dev-deploy in account 111111111111 \(iam:PutRolePolicy\); nothing was changed\. .*Revoke sessions/,
    );
    assert.equal(revoked.stderr.trimEnd().split('\n').length, 1);
    assert.equal(inlinePolicies(SEED_ROLES.devDeploy), 0);
    assert.ok(snapshot() === before, 'no role, session or AWS file changed');
    const defaulted = await rolebar(['role', 'discover']);
    assert.equal(defaulted.code, 1);
    assert.match(defaulted.stderr, /several identities\. Name the identity or role to use with --using/);
  });

  it('an AccessDenied in the <ErrorResponse><Errors><Error> shape names the permission, not "try again"', async () => {
    const denied = (action: string) => ({
      status: 403,
      headers: { 'content-type': 'text/xml' },
      body:
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Errors><Error><Type>Sender</Type>' +
        `<Code>AccessDenied</Code><Message>User: ${ALICE_ARN} is not authorized to perform: iam:${action}` +
        '</Message></Error></Errors><RequestId>0</RequestId></ErrorResponse>',
    });
    try {
      w.emu.faults.answerWith(denied('ListRoles'), 1, { action: 'ListRoles' });
      const listed = await rolebar(['role', 'discover', '--using', 'alice']);
      assert.equal(listed.code, 1, explain(listed));
      assert.match(
        listed.stderr,
        /^rolebar: You may not list roles in account 111111111111 \(iam:ListRoles\)\./,
      );
      w.emu.faults.answerWith(denied('PutRolePolicy'), 1, { action: 'PutRolePolicy' });
      const revoked = await rolebar(['revoke', SEED_ROLES.devDeploy, '--using', 'alice', '--yes']);
      assert.equal(revoked.code, 1, explain(revoked));
      assert.match(revoked.stderr, /\(iam:PutRolePolicy\); nothing was changed\./);
      for (const run of [listed, revoked]) assert.doesNotMatch(run.stderr, /Try again in a minute/);
    } finally {
      w.emu.faults.clear();
    }
  });

  it('the CLI loads @aws-sdk/client-iam only when an IAM command runs', () => {
    // The CLI is split into chunks: what `rolebar` loads at start is its entry and the chunks it imports
    // statically; the IAM client (bundled from the SDK) must be in none of them, but reachable lazily.
    const started = staticClosure(CLI);
    const hasIam = (file: string) => /\bIAMClient\b/.test(readFileSync(file, 'utf8'));
    assert.deepEqual(
      [...started].filter(hasIam).map((file) => path.basename(file)),
      [],
      'no chunk loaded at start holds client-iam',
    );
    const all = readdirSync(path.dirname(CLI)).map((name) => path.join(path.dirname(CLI), name));
    assert.ok(
      all.some((file) => file.endsWith('.mjs') && hasIam(file)),
      'client-iam is bundled for IAM commands',
    );
  });
});

/** `entry` and every chunk it imports statically, transitively (dynamic `import()`s are left out). */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^import\s+(?:[^;]*?\s+from\s+)?"(\.\/[^"]+)"/gm)) {
      const target = match[1];
      if (target) visit(path.join(path.dirname(file), target));
    }
  };
  visit(entry);
  return seen;
}
