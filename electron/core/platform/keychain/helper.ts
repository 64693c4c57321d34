/*
 * The keychain helper: a child process that alone loads keytar and answers keychain requests over its IPC
 * channel. keytar runs libsecret on libuv's thread pool; a D-Bus that never answers blocks such a thread for
 * ever, and Node then cannot exit (it joins the pool on exit) or even honour SIGTERM. Confined here, a hung
 * call costs only this process, which the parent kills. Secrets travel over the IPC channel, never argv.
 */
import { createRequire } from 'node:module';
import { type HelperReady, type HelperRequest, type HelperResponse, parseHelperRequest } from './protocol.js';
import type { KeytarLike } from './keychain.js';

/** The channel to the parent: Node's fork IPC, or Electron's utility-process port. */
interface ParentPort {
  on(event: 'message', listener: (message: unknown) => void): void;
  postMessage(message: HelperResponse | HelperReady): void;
}

function nodeParent(): ParentPort | undefined {
  const send = process.send?.bind(process);
  if (!send) return undefined;
  return {
    on: (event, listener) => void process.on(event, listener),
    postMessage: (message) => void send(message),
  };
}

/** Electron's utility process exposes `process.parentPort`; its messages arrive as `{ data }`. */
function electronParent(): ParentPort | undefined {
  const port: unknown = Reflect.get(process, 'parentPort');
  if (typeof port !== 'object' || port === null) return undefined;
  const on: unknown = Reflect.get(port, 'on');
  const post: unknown = Reflect.get(port, 'postMessage');
  if (typeof on !== 'function' || typeof post !== 'function') return undefined;
  return {
    on: (event, listener) =>
      void on.call(port, event, (e: unknown) =>
        listener(typeof e === 'object' && e !== null ? Reflect.get(e, 'data') : undefined),
      ),
    postMessage: (message) => void post.call(port, message),
  };
}

async function answer(keytar: KeytarLike, request: HelperRequest): Promise<HelperResponse> {
  const { id, service } = request;
  try {
    switch (request.op) {
      case 'get':
        return { id, ok: true, value: await keytar.getPassword(service, request.account) };
      case 'set':
        await keytar.setPassword(service, request.account, request.secret);
        return { id, ok: true, value: null };
      case 'delete':
        return { id, ok: true, value: await keytar.deletePassword(service, request.account) };
      case 'list':
        return { id, ok: true, value: (await keytar.findCredentials(service)).map((e) => e.account) };
    }
  } catch (error) {
    return { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

const parent = electronParent() ?? nodeParent();
if (parent) {
  let keytar: KeytarLike | undefined;
  let loadError: string | undefined;
  try {
    keytar = createRequire(import.meta.url)('keytar') as KeytarLike;
  } catch (error) {
    loadError = error instanceof Error ? error.message : String(error);
  }
  parent.on('message', (message) => {
    const request = parseHelperRequest(message);
    if (!request) return; // not ours: ignore
    if (!keytar) {
      parent.postMessage({ id: request.id, ok: false, message: loadError ?? '', notInstalled: true });
      return;
    }
    void answer(keytar, request).then((response) => parent.postMessage(response));
  });
  // Starting this process (and, under tests, compiling it) is not the keychain's time: the parent's bound on each
  // keychain call starts from this signal, so a busy machine is not mistaken for a keychain that never answers.
  parent.postMessage({ ready: true });
  // The parent is gone: leave at once. A plain exit could wait for ever on a thread stuck in libsecret.
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
