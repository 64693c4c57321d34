/*
 * The app's way to start the keychain helper (electron/core/platform/keychain/helper.ts): an Electron utility
 * process. Node's fork would start the Electron binary as a second app (RunAsNode is fused off in
 * packaged builds); a utility process is Electron's own killable Node child, so a keychain call that
 * hangs on D-Bus is killed with it and never blocks the app or its exit.
 */
import { app, utilityProcess } from 'electron';
import type { StartHelper } from '../core/platform/keychain/runner.js';

/** Starts the helper as a utility process; it is killed when the app quits. */
export const utilityProcessHelper: StartHelper = (modulePath) => {
  const child = utilityProcess.fork(modulePath, [], { serviceName: 'Rolebar keychain', stdio: 'ignore' });
  const killChild = () => void child.kill();
  app.once('will-quit', killChild);
  child.once('exit', () => app.removeListener('will-quit', killChild));
  return {
    send: (request) => child.postMessage(request),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', listener),
    kill: killChild,
    hold: () => undefined, // the app's event loop lives as long as the app: nothing to release
  };
};
