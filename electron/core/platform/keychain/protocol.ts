/*
 * The messages between Rolebar and its keychain helper process (helper.ts), and their parsers:
 * each side checks what it receives instead of trusting its shape.
 */

/** One keychain operation, as sent to the helper. */
export type HelperRequest =
  | { id: number; op: 'get' | 'delete'; service: string; account: string }
  | { id: number; op: 'set'; service: string; account: string; secret: string }
  | { id: number; op: 'list'; service: string };

/** The helper's answer; `message` is the OS keychain's own error text (it never echoes a secret). */
export type HelperResponse =
  | { id: number; ok: true; value: string | boolean | string[] | null }
  | { id: number; ok: false; message: string; notInstalled?: boolean };

/** What the helper posts once it has loaded keytar and listens: the parent's time bounds start from here. */
export interface HelperReady {
  ready: true;
}

/** Whether `message` is the helper's ready signal. */
export function isHelperReady(message: unknown): boolean {
  return field(message, 'ready') === true && field(message, 'id') === undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** The request in `message`, or undefined when it is not one. */
export function parseHelperRequest(message: unknown): HelperRequest | undefined {
  const id = field(message, 'id');
  const op = field(message, 'op');
  const service = field(message, 'service');
  const account = field(message, 'account');
  const secret = field(message, 'secret');
  if (typeof id !== 'number' || !isString(service)) return undefined;
  if (op === 'list') return { id, op, service };
  if (!isString(account)) return undefined;
  if (op === 'get' || op === 'delete') return { id, op, service, account };
  if (op === 'set' && isString(secret)) return { id, op, service, account, secret };
  return undefined;
}

/** The response in `message`, or undefined when it is not one. */
export function parseHelperResponse(message: unknown): HelperResponse | undefined {
  const id = field(message, 'id');
  const ok = field(message, 'ok');
  if (typeof id !== 'number') return undefined;
  if (ok === false) {
    const text = field(message, 'message');
    return {
      id,
      ok,
      message: isString(text) ? text : '',
      notInstalled: field(message, 'notInstalled') === true,
    };
  }
  if (ok !== true) return undefined;
  const value = field(message, 'value');
  if (value === null || typeof value === 'boolean' || isString(value)) return { id, ok, value };
  if (Array.isArray(value) && value.every(isString)) return { id, ok, value };
  return undefined;
}
