// Keychain entries that hold a small JSON object (an MFA session, Identity Center tokens): one reader for their
// string fields, so a damaged entry reads as "none" the same way everywhere.

/** A reader of the entry's non-empty string fields, or undefined when `raw` is not a JSON object. */
export function jsonStringFields(raw: string): ((name: string) => string | undefined) | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed;
  return (name) => {
    const value: unknown = Reflect.get(record, name);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
}
