// Fetching a catalog's text from where it is published: a git repository (with the user's own `git`, so their
// SSH keys and credential helpers work), an HTTP(S) URL (with ETag / If-Modified-Since), or a local file.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import type { ExecFileOptions } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { RolebarError } from '../../domain/errors.js';
import { MAX_CATALOG_BYTES } from '../../domain/limits.js';
import { type FetchFailure, getFollowingRedirects, readCatalogBody } from './http.js';

/** Where a catalog comes from. */
export type CatalogSource =
  | { kind: 'git'; url: string; branch?: string | undefined; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string };

/** What a fetch found: new text, or "unchanged" (HTTP 304), with the validators to send next time. */
export type Fetched =
  | { changed: true; text: string; etag?: string | undefined; lastModified?: string | undefined }
  | { changed: false };

/** The default file inside a git repository. */
export const DEFAULT_CATALOG_PATH = 'rolebar-catalog.json';

/** Reads SOURCE as the user typed it: http(s) URL, git repository (git@, ssh://, file://, *.git), or a file. */
export function parseSource(source: string, options: { branch?: string; path?: string }): CatalogSource {
  const gitLike = /^(git@|ssh:\/\/|git:\/\/|file:\/\/)/.test(source) || /\.git\/?$/.test(source);
  if (/^https?:\/\//.test(source) && !gitLike && options.branch === undefined && options.path === undefined)
    return { kind: 'url', url: source };
  if (gitLike || /^https?:\/\//.test(source))
    return { kind: 'git', url: source, branch: options.branch, path: options.path ?? DEFAULT_CATALOG_PATH };
  return { kind: 'file', path: path.resolve(source) };
}

// `scheme://USERINFO@`: the part of a URL that may hold a token (https://user:token@host/…).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s@]+)@/gi;

/**
 * The one redaction of catalog source credentials: every `scheme://user:token@` (and an https `token@`) in
 * `text` becomes `scheme://***@`. Everything that shows a source or a fetch failure (messages, errors, the
 * stored last error, `catalog list`, the window) goes through it, so a token in a source URL never shows.
 */
export function redactSource(text: string): string {
  return text.replace(USERINFO, (_, scheme: string, userinfo: string) =>
    /^https?:/i.test(scheme) || userinfo.includes(':') ? `${scheme}***@` : `${scheme}${userinfo}@`,
  );
}

/** Where a source is, for messages: credentials in its URL redacted. */
export function describeSource(source: CatalogSource): string {
  if (source.kind === 'git')
    return redactSource(
      `git ${source.url}${source.branch ? ` (branch ${source.branch})` : ''}, ${source.path}`,
    );
  return source.kind === 'url' ? redactSource(source.url) : source.path;
}

/**
 * Takes the user and token out of an http(s) source URL (a git or plain URL): the source as settings keep it,
 * and the credential (`user:token`, decoded) that goes to the keychain instead. Other sources come back as they are.
 */
export function takeCredential(source: CatalogSource): { source: CatalogSource; credential?: string } {
  if (source.kind === 'file') return { source };
  let parsed: URL;
  try {
    parsed = new URL(source.url);
  } catch {
    return { source };
  }
  if (!/^https?:$/.test(parsed.protocol) || (parsed.username === '' && parsed.password === ''))
    return { source };
  const credential = `${decodeOrKeep(parsed.username)}:${decodeOrKeep(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { source: { ...source, url: parsed.href }, credential };
}

/** A percent-encoded URL part, decoded; a malformed escape (`%ZZ`) is kept as typed rather than throwing. */
function decodeOrKeep(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The URL to fetch (fetch refuses credentials in a URL, and git would show them) and the Basic authorization
 * header that carries the credential instead: the one from the keychain, else one still in the URL.
 */
function splitCredentials(
  source: CatalogSource,
  stored: string | undefined,
): { url: string; authorization?: string } {
  const taken = takeCredential(source);
  const url = taken.source.kind === 'file' ? '' : taken.source.url;
  const credential = stored ?? taken.credential;
  if (credential === undefined) return { url };
  return { url, authorization: `Basic ${Buffer.from(credential).toString('base64')}` };
}

/** Runs git; node:child_process is loaded on the first fetch, not with the core every command loads. */
async function run(
  file: string,
  args: string[],
  options: ExecFileOptions,
): Promise<{ stdout: string; stderr: string }> {
  const { execFile } = await import('node:child_process');
  return promisify(execFile)(file, args, { ...options, encoding: 'utf8' });
}

/** Fetches the catalog's text (`credential`: the `user:token` kept in the keychain); throws 'catalog-fetch-failed' naming the source and what to check. */
export async function fetchCatalog(
  source: CatalogSource,
  validators: { etag?: string | undefined; lastModified?: string | undefined } = {},
  credential?: string,
): Promise<Fetched> {
  const failed = (why: string, hint: string) =>
    new RolebarError(
      'catalog-fetch-failed',
      `Could not fetch ${describeSource(source)}: ${redactSource(why)}`,
      { hint },
    );
  if (source.kind === 'file') return { changed: true, text: readCatalogFile(source.path, failed) };
  if (source.kind === 'url') {
    const { url, authorization } = splitCredentials(source, credential);
    const headers: Record<string, string> = authorization ? { authorization } : {};
    if (validators.etag) headers['if-none-match'] = validators.etag;
    if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
    const response = await getFollowingRedirects(url, headers, failed, AbortSignal.timeout(30_000));
    if (response.status === 304) return { changed: false };
    if (!response.ok) {
      await response.body?.cancel();
      throw failed(`HTTP ${response.status}`, 'Check the URL, or ask whoever publishes it.');
    }
    return {
      changed: true,
      text: await readCatalogBody(response, failed),
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rolebar-catalog-'));
  try {
    const branch = source.branch ? ['--branch', source.branch] : [];
    // A token in an https URL goes to git as a header in its environment (GIT_CONFIG_*), never in its argv.
    const { url, authorization } = splitCredentials(source, credential);
    const header = authorization
      ? {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'http.extraHeader',
          GIT_CONFIG_VALUE_0: `Authorization: ${authorization}`,
        }
      : {};
    // `--` ends options: a URL can never be read as one of git's flags.
    await run('git', ['clone', '--quiet', '--depth', '1', ...branch, '--', url, dir], {
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...header },
      timeout: 120_000,
    });
    const file = path.resolve(dir, source.path);
    if (!file.startsWith(dir + path.sep))
      throw failed('the path leaves the repository', 'Give a path inside it.');
    if (!existsSync(file))
      throw failed(`no file ${source.path} in the repository`, 'Pass --path with the catalog file.');
    return { changed: true, text: readCatalogFile(file, failed) };
  } catch (error) {
    if (error instanceof RolebarError) throw error;
    const stderr =
      typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    throw failed(
      stderr.trim().split('\n').pop() ?? 'git failed',
      'Check that `git clone` of it works for you (access, branch name).',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A catalog file's text: a regular file of at most MAX_CATALOG_BYTES (a FIFO or a device is refused unread). */
function readCatalogFile(file: string, failed: FetchFailure): string {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw failed('it is not a regular file', 'Give the path of the catalog file.');
    if (stat.size > MAX_CATALOG_BYTES)
      throw failed(
        `it has ${stat.size} bytes, more than the ${MAX_CATALOG_BYTES / 1024 / 1024} MiB a catalog may have`,
        'Check that it is the catalog file, or split the catalog.',
      );
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof RolebarError) throw error;
    throw failed((error as NodeJS.ErrnoException).code ?? 'unreadable', 'Check that the file exists.');
  }
}
