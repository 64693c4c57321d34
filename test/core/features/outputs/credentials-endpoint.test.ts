// The credentials endpoint in-process: the door (token, loopback, path), the cache, and what it refuses to serve.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import {
  type CredentialsEndpoint,
  type EndpointSession,
  renewalMarginMs,
  startCredentialsEndpoint,
} from '../../../../electron/core/features/outputs/credentials-endpoint.js';
import { RolebarError } from '../../../../electron/core/domain/errors.js';

/** A GET with an optional Authorization header; the status and body as text. */
function get(url: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: token === undefined ? {} : { authorization: token } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const T0 = Date.parse('2026-03-01T12:00:00Z');

function session(keyId: string, endsAt: number, clockOffsetMs = 0): EndpointSession {
  return {
    credentials: {
      accessKeyId: keyId,
      secretAccessKey: `secret-of-${keyId}`,
      sessionToken: `token-of-${keyId}`,
      expiration: new Date(endsAt),
    },
    clockOffsetMs,
  };
}

/** An endpoint over a list of sessions handed out in turn, on a clock the test moves. */
async function withEndpoint(
  sessions: Array<EndpointSession | Error>,
  test: (e: CredentialsEndpoint, clock: { now: number }, fetches: number[]) => Promise<void>,
): Promise<void> {
  const clock = { now: T0 };
  const fetches: number[] = [];
  const endpoint = await startCredentialsEndpoint({
    now: () => clock.now,
    fetchSession: async (marginMs) => {
      fetches.push(marginMs);
      const next = sessions.shift();
      if (next === undefined) throw new Error('no more sessions');
      if (next instanceof Error) throw next;
      return next;
    },
  });
  try {
    await test(endpoint, clock, fetches);
  } finally {
    await endpoint.close();
  }
}

describe('credentials endpoint', () => {
  it('listens on loopback only, with a random token each time', async () => {
    await withEndpoint([], async (a) => {
      await withEndpoint([], async (b) => {
        assert.match(a.url, /^http:\/\/127\.0\.0\.1:\d+\/role-credentials$/);
        assert.notEqual(a.token, b.token);
        assert.ok(a.token.length >= 40);
      });
    });
  });

  it('refuses a missing or wrong token with 403 and serves nothing (the role is not even asked)', async () => {
    await withEndpoint([session('ASIAONE', T0 + 3_600_000)], async (e, _clock, fetches) => {
      for (const token of [undefined, '', 'wrong', `${e.token}x`, e.token.slice(1)]) {
        const res = await get(e.url, token);
        assert.equal(res.status, 403);
        assert.doesNotMatch(res.body, /ASIA|secret|token-of/);
      }
      assert.equal((await get(e.url.replace('/role-credentials', '/other'), 'wrong')).status, 403);
      assert.deepEqual(fetches, []);
    });
  });

  it('answers in the container format, then from its cache until the session is due', async () => {
    const end = T0 + 3_600_000;
    await withEndpoint(
      [session('ASIAONE', end), session('ASIATWO', end + 3_600_000)],
      async (e, clock, fetches) => {
        const first = await get(e.url, e.token);
        assert.equal(first.status, 200);
        assert.deepEqual(JSON.parse(first.body), {
          AccessKeyId: 'ASIAONE',
          SecretAccessKey: 'secret-of-ASIAONE',
          Token: 'token-of-ASIAONE',
          Expiration: '2026-03-01T13:00:00Z',
        });
        assert.equal(JSON.parse((await get(e.url, e.token)).body).AccessKeyId, 'ASIAONE');
        assert.equal(fetches.length, 1);
        clock.now = end - renewalMarginMs(3_600_000) + 1; // due: renewed through the fetcher
        assert.equal(JSON.parse((await get(e.url, e.token)).body).AccessKeyId, 'ASIATWO');
        assert.equal(fetches.length, 2);
        assert.equal(fetches[1], 10 * 60_000);
      },
    );
  });

  it("gives Expiration on this computer's clock when AWS's clock is ahead", async () => {
    await withEndpoint([session('ASIAONE', T0 + 3_600_000 + 60_000, 60_000)], async (e) => {
      assert.equal(JSON.parse((await get(e.url, e.token)).body).Expiration, '2026-03-01T13:00:00Z');
    });
  });

  it('answers a renewal that needs an MFA code with a clear error body, never the expired keys', async () => {
    const mfa = new RolebarError('mfa-required', '"admin" needs a new MFA code to renew its session.', {
      hint: 'Run `rolebar assume admin --mfa-code CODE`.',
    });
    await withEndpoint([session('ASIAONE', T0 + 60_000), mfa], async (e, clock) => {
      assert.equal((await get(e.url, e.token)).status, 200);
      clock.now = T0 + 59_000;
      const res = await get(e.url, e.token);
      assert.equal(res.status, 503);
      const body: unknown = JSON.parse(res.body);
      assert.deepEqual(body, {
        code: 'mfa-required',
        message:
          '"admin" needs a new MFA code to renew its session. Run `rolebar assume admin --mfa-code CODE`.',
      });
      assert.doesNotMatch(res.body, /ASIA|secret|token-of/);
    });
  });

  it('never serves a session that has already ended', async () => {
    await withEndpoint([session('ASIAOLD', T0 - 1)], async (e) => {
      const res = await get(e.url, e.token);
      assert.equal(res.status, 503);
      assert.doesNotMatch(res.body, /ASIAOLD/);
      assert.match(JSON.parse(res.body).message, /ended/);
    });
  });

  it('stops answering once closed', async () => {
    let url = '';
    await withEndpoint([], async (e) => {
      url = e.url;
    });
    await assert.rejects(get(url), /ECONNREFUSED/);
  });
});
