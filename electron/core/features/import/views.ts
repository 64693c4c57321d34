// What importing ~/.aws shows before it runs, as plain data (the IPC contract derives its type from here). Types
// only, and browser-safe: nothing here imports Node.

/** One thing an import would do, in words for the preview. */
export interface ImportItem {
  action: 'add-identity' | 'add-role' | 'skip';
  /** The `~/.aws` profile it comes from. */
  profile: string;
  detail: string;
}
