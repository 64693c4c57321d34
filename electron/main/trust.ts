// Who may call the IPC handlers: a pure check over the few fields of Electron's IpcMainInvokeEvent it reads, so
// tests pass the smallest stand-in instead of a running window.

/** The part of a WebFrameMain the check reads. */
export interface FrameLike {
  readonly url: string;
}

/** The part of an IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike<Sender extends { readonly mainFrame: FrameLike }> {
  readonly sender: Sender;
  readonly senderFrame: FrameLike | null;
}

/**
 * True only for our own window's main frame showing our own page: the frame must exist (it is null once
 * navigated away or destroyed), be the main frame (no iframe), belong to a sender we trust, and show exactly
 * `pageUrl` (a file: URL; query and hash ignored).
 */
export function isTrustedFrame<Sender extends { readonly mainFrame: FrameLike }>(
  event: InvokeEventLike<Sender>,
  isTrustedSender: (sender: Sender) => boolean,
  pageUrl: string,
): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame || !isTrustedSender(event.sender)) return false;
  let shown: URL;
  try {
    shown = new URL(frame.url);
  } catch {
    return false;
  }
  shown.hash = '';
  shown.search = '';
  return shown.protocol === 'file:' && shown.href === pageUrl;
}
