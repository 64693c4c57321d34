import { type IpcMainInvokeEvent, ipcMain, type WebContents } from 'electron';
import {
  type EventChannel,
  type EventPayloads,
  type RequestChannel,
  type RequestHandlers,
  requestArgs,
} from '../ipc/contract.js';
import { isTrustedFrame } from './trust.js';

/**
 * Registers every request channel of the contract: each answers only our own window's main frame, showing our
 * own page (`pageUrl`), and only with arguments that pass the contract's run-time check. A refused call throws
 * in the renderer with a short reason and never reaches the handler.
 */
export function registerHandlers(
  handlers: RequestHandlers,
  isTrustedSender: (sender: WebContents) => boolean,
  pageUrl: string,
): void {
  for (const channel of Object.keys(requestArgs) as RequestChannel[]) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...raw: unknown[]) => {
      if (!isTrustedFrame(event, isTrustedSender, pageUrl)) {
        throw new Error(`Refused ${channel}: untrusted sender`);
      }
      const checked = requestArgs[channel](raw) as unknown as never[];
      return (handlers[channel] as (...a: never[]) => unknown)(...checked);
    });
  }
}

/** Sends an event of the contract to a window. */
export function sendEvent<E extends EventChannel>(
  contents: WebContents,
  channel: E,
  payload: EventPayloads[E],
): void {
  if (!contents.isDestroyed()) contents.send(channel, payload);
}
