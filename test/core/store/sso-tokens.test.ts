// The one rule for an Identity Center sign-in's freshness (the portal, sign-out and the window's status use it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REFRESH_MARGIN_MS, signInState, type SsoTokens } from '../../../electron/core/store/sso-tokens.js';

const NOW = Date.parse('2030-01-01T12:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const tokens = (expiresIn: number, more: Partial<SsoTokens> = {}): SsoTokens => ({
  accessToken: 'token',
  expiresAt: at(expiresIn),
  refreshToken: 'refresh',
  clientId: 'client',
  clientSecret: 'secret',
  registrationExpiresAt: at(90 * 86_400_000),
  ...more,
});

describe('an Identity Center sign-in’s freshness', () => {
  it('is current with more than the refresh margin left, usable until it ends, and signed in while refreshable', () => {
    assert.deepEqual(signInState(tokens(REFRESH_MARGIN_MS + 1), NOW), {
      usable: true,
      current: true,
      refreshable: true,
      signedIn: true,
    });
    assert.deepEqual(signInState(tokens(REFRESH_MARGIN_MS), NOW), {
      usable: true,
      current: false,
      refreshable: true,
      signedIn: true,
    });
    assert.deepEqual(signInState(tokens(0), NOW), {
      usable: false,
      current: false,
      refreshable: true,
      signedIn: true,
    });
  });

  it('needs a new sign-in once the token ended and cannot be refreshed', () => {
    const noRefresh = tokens(-1, { refreshToken: undefined });
    assert.deepEqual(signInState(noRefresh, NOW), {
      usable: false,
      current: false,
      refreshable: false,
      signedIn: false,
    });
    const registrationEnded = tokens(60_000, { registrationExpiresAt: at(0) });
    assert.equal(signInState(registrationEnded, NOW).refreshable, false);
    assert.equal(signInState(registrationEnded, NOW).signedIn, true, 'its token still works for a minute');
    assert.equal(signInState(undefined, NOW).signedIn, false);
  });
});
