import { type IpcMainInvokeEvent, ipcMain, type WebContents } from 'electron';
import { type IpcRequests, type RequestChannel, validateArgs } from '../ipc/contract.js';

/** A main-process handler for one channel, typed by the contract. */
export type Handler<C extends RequestChannel> = (
  ...args: IpcRequests[C]['args']
) => IpcRequests[C]['result'] | Promise<IpcRequests[C]['result']>;

/**
 * Registers a typed handler that answers only our own window's main frame, loaded from our own file,
 * and only with arguments that pass the contract's run-time check.
 */
export function handle<C extends RequestChannel>(
  channel: C,
  isTrustedSender: (sender: WebContents) => boolean,
  handler: Handler<C>,
): void {
  ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...raw: unknown[]) => {
    const frame = event.senderFrame;
    if (
      !frame ||
      frame !== event.sender.mainFrame ||
      !isTrustedSender(event.sender) ||
      !frame.url.startsWith('file://')
    ) {
      throw new Error(`Refused ${channel}: untrusted sender`);
    }
    const args = validateArgs[channel](raw);
    return handler(...args);
  });
}
