// A catalog's fetch against a hostile HTTP server and hostile local files: a body over the cap is refused after
// the cap (the rest is never downloaded), redirects are named for what they are, a FIFO is refused unread.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchCatalog } from '../../../../electron/core/features/catalog/fetch.js';
import { MAX_CATALOG_BYTES } from '../../../../electron/core/domain/limits.js';

const MIB = 1024 * 1024;
/** What the endless routes send at most: far more than the cap, so only a reader that stops early stays small. */
const HUGE = 256 * MIB;

describe('a catalog fetched from a hostile server', () => {
  let base = '';
  let close: () => Promise<void> = async () => undefined;
  /** Bytes the last endless route wrote before the client went away. */
  let sent = 0;
  /** The Authorization header each path last saw. */
  const authorizationAt = new Map<string, string | undefined>();

  function endless(response: ServerResponse, headers: Record<string, string>): void {
    sent = 0;
    response.writeHead(200, headers);
    const chunk = Buffer.alloc(MIB, 0x20);
    const more = () => {
      while (sent < HUGE && !response.destroyed) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', more);
      }
      response.end();
    };
    more();
  }

  function route(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    authorizationAt.set(url, request.headers.authorization);
    if (url === '/chunked') return endless(response, {});
    if (url === '/declared') return endless(response, { 'content-length': String(HUGE) });
    if (url === '/ftp') return void response.writeHead(302, { location: 'ftp://example.com/c.json' }).end();
    if (url === '/loop-a') return void response.writeHead(302, { location: '/loop-b' }).end();
    if (url === '/loop-b') return void response.writeHead(301, { location: '/loop-a' }).end();
    if (url === '/elsewhere')
      return void response.writeHead(302, { location: `${base.replace('127.0.0.1', 'localhost')}/ok` }).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"rolebarCatalog":1}');
  }

  before(async () => {
    const server = createServer(route);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
  });
  after(() => close());

  for (const [path_, how] of [
    ['/chunked', 'with no declared length'],
    ['/declared', 'with a declared length'],
  ] as const) {
    it(`refuses a body over ${MAX_CATALOG_BYTES / MIB} MiB ${how}, without downloading the rest`, async () => {
      const before_ = process.memoryUsage().rss;
      await assert.rejects(fetchCatalog({ kind: 'url', url: base + path_ }), (error: Error) => {
        assert.match(error.message, /more than the 8 MiB a catalog may have/);
        return true;
      });
      // The server stops when the client goes; it could have sent 256 MiB.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(sent < HUGE / 2, `the server sent ${sent / MIB} MiB before the client left`);
      assert.ok(process.memoryUsage().rss - before_ < 128 * MIB, 'the body was held in memory');
    });
  }

  it('names a redirect to a non-http scheme and a redirect loop instead of "fetch failed"', async () => {
    await assert.rejects(
      fetchCatalog({ kind: 'url', url: `${base}/ftp` }),
      /a redirect to a non-http scheme \(ftp:\)/,
    );
    await assert.rejects(fetchCatalog({ kind: 'url', url: `${base}/loop-a` }), /a redirect loop/);
  });

  it('follows a redirect to another origin without the credential', async () => {
    const fetched = await fetchCatalog({ kind: 'url', url: `${base}/elsewhere` }, {}, 'team:s3cret');
    assert.equal(fetched.changed && fetched.text, '{"rolebarCatalog":1}');
    assert.match(authorizationAt.get('/elsewhere') ?? '', /^Basic /);
    assert.equal(authorizationAt.get('/ok'), undefined);
  });
});

describe('a catalog from a hostile local file', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rolebar-catalog-file-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file over the cap and a FIFO, without reading them', async () => {
    const big = path.join(dir, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, MAX_CATALOG_BYTES + 1); // sparse: no disk used
    await assert.rejects(fetchCatalog({ kind: 'file', path: big }), /more than the 8 MiB a catalog may have/);
    const fifo = path.join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(fetchCatalog({ kind: 'file', path: fifo }), /not a regular file/);
  });
});
