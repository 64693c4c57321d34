// The user's browser in Identity Center tests: plain HTTP GETs of the emulator's authorize and device pages.
import assert from 'node:assert/strict';

/** GETs a page, follows its link labelled `label`, and returns that answer (a redirect is not followed). */
export async function clickLink(pageUrl: string, label: string): Promise<Response> {
  const html = await (await fetch(pageUrl)).text();
  const m = new RegExp(`<a href="([^"]+)">${label}</a>`).exec(html);
  assert.ok(m?.[1], `no "${label}" link on the page`);
  return fetch(new URL(m[1].replace(/&#38;/g, '&'), pageUrl), { redirect: 'manual' });
}

/** Allows the sign-in on the page at `url` and follows the redirect to the loopback, when there is one. */
export async function allowSignIn(url: string): Promise<void> {
  const answer = await clickLink(url, 'Allow access');
  const location = answer.headers.get('location');
  if (location) await fetch(location);
}
