// The unlock agent: after `rolebar keychain unlock`, a small background process keeps the keychain file's derived
// key in its memory for a bounded time (default 1 h, at most 12 h) and hands it to Rolebar processes of the same
// user over a Unix socket that is 0600 in the file's 0700 folder, as ssh-agent does. The key reaches it on a pipe
// (never argv, never disk); it forgets the key and removes its socket when its time is up or on `keychain lock`.
import { spawn } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { RolebarError } from '../../domain/errors.js';
import type { FileKey, KdfParams } from './file-format.js';
import { type KeyKeeper, PASSPHRASE_VARIABLE } from './file-store.js';

/** How long `keychain unlock` keeps the key when not told, and the longest it may. */
export const DEFAULT_UNLOCK_MS = 60 * 60_000;
export const MAX_UNLOCK_MS = 12 * 60 * 60_000;
/** How long a client waits for the agent: it answers from memory, so this is only a bound on a stuck one. */
const ASK_TIMEOUT_MS = 1_000;

/** The agent's socket beside the keychain file. */
export function agentSocketOf(file: string): string {
  return path.join(path.dirname(file), 'agent.sock');
}

type Answer = Record<string, unknown>;

/** One request to the agent of `file`; undefined when none listens (or it does not answer within a second). */
export function askAgent(file: string, op: 'key' | 'status' | 'stop'): Promise<Answer | undefined> {
  if (process.platform === 'win32') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = net.connect(agentSocketOf(file));
    let text = '';
    const done = (answer: Answer | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), ASK_TIMEOUT_MS);
    socket.on('connect', () => socket.write(`${JSON.stringify({ op, file })}\n`));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (!text.includes('\n')) return;
      try {
        done(JSON.parse(text) as Answer);
      } catch {
        done(undefined);
      }
    });
    socket.on('error', () => done(undefined));
    socket.on('close', () => done(undefined));
  });
}

/** The keeper that asks the unlock agent. */
export const agentKeeper: KeyKeeper = {
  async keyFor(file) {
    const answer = await askAgent(file, 'key');
    if (!answer || typeof answer.key !== 'string' || typeof answer.kdf !== 'object') return undefined;
    return { kdf: answer.kdf as KdfParams, key: Buffer.from(answer.key, 'base64') };
  },
};

/** When the agent of `file` forgets its key (ms since the epoch), or undefined when no agent holds it. */
export async function agentUntil(file: string): Promise<number | undefined> {
  const answer = await askAgent(file, 'status');
  return typeof answer?.until === 'number' ? answer.until : undefined;
}

/** What the agent is started with, on its stdin. */
interface AgentStart {
  file: string;
  kdf: KdfParams;
  key: string;
  forMs: number;
}

/**
 * Starts an agent holding `key` for `forMs` (replacing one already running): `program` is the command line that
 * runs serveAgent (the CLI's `keychain agent`). Resolves with when it will forget the key.
 */
export async function startAgent(
  file: string,
  key: FileKey,
  forMs: number,
  program: string[],
): Promise<number> {
  if (process.platform === 'win32') {
    throw new RolebarError(
      'keychain-no-agent',
      'Keeping the keychain file unlocked is not available on Windows yet.',
      {
        hint: 'Set ROLEBAR_KEYCHAIN_PASSPHRASE for the processes that need it, or use the OS keychain.',
      },
    );
  }
  await askAgent(file, 'stop');
  // Its environment without the passphrase: the agent holds the key, and nothing it could be derived from again.
  const env = { ...process.env };
  delete env[PASSPHRASE_VARIABLE];
  const child = spawn(process.execPath, program, { detached: true, stdio: ['pipe', 'pipe', 'ignore'], env });
  const start: AgentStart = { file, kdf: key.kdf, key: key.key.toString('base64'), forMs };
  child.stdin.end(`${JSON.stringify(start)}\n`);
  const until = await new Promise<number>((resolve, reject) => {
    let said = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      said += chunk;
      const ready = /^ready (\d+)\n/.exec(said);
      if (ready) resolve(Number(ready[1]));
    });
    child.once('exit', (code) =>
      reject(
        new RolebarError('keychain-agent-failed', `The unlock agent stopped at once (exit ${code}).`, {
          hint: `Check that ${path.dirname(file)} is yours and writable, then try again.`,
        }),
      ),
    );
  });
  child.stdout.destroy();
  child.unref();
  return until;
}

/** Runs in the agent process: reads its start line from stdin, listens, answers until its time is up. */
export async function serveAgent(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  let line = '';
  for await (const chunk of input) line += String(chunk);
  const start = JSON.parse(line) as AgentStart;
  const key = Buffer.from(start.key, 'base64');
  const until = Date.now() + Math.min(start.forMs, MAX_UNLOCK_MS);
  const socketPath = agentSocketOf(start.file);
  rmSync(socketPath, { force: true }); // a socket whose agent died (the caller stopped any live one)
  const stop = () => {
    key.fill(0);
    server.close();
    rmSync(socketPath, { force: true });
    process.exit(0);
  };
  const server = net.createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 4096) return socket.destroy();
      if (!text.includes('\n')) return;
      let op: unknown;
      try {
        const request = JSON.parse(text) as { op?: unknown; file?: unknown };
        op = request.file === start.file ? request.op : undefined;
      } catch {
        op = undefined;
      }
      if (op === 'key')
        socket.end(`${JSON.stringify({ kdf: start.kdf, key: key.toString('base64'), until })}\n`);
      else if (op === 'status') socket.end(`${JSON.stringify({ until, pid: process.pid })}\n`);
      else if (op === 'stop') socket.end(`${JSON.stringify({ stopped: true })}\n`, stop);
      else socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  const umask = process.umask(0o177); // the socket is born 0600
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  } finally {
    process.umask(umask);
  }
  chmodSync(socketPath, 0o600);
  setTimeout(stop, until - Date.now());
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  output.write(`ready ${until}\n`);
}

/** `15m`, `2h`, `90s` or plain minutes, as milliseconds within (0, MAX_UNLOCK_MS]. */
export function parseUnlockDuration(text: string): number | undefined {
  const match = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'm') as 's' | 'm' | 'h'];
  return ms > 0 && ms <= MAX_UNLOCK_MS ? ms : undefined;
}
