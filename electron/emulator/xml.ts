import type { StsError } from './errors.js';

/** The STS XML namespace. */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** The only STS API version. */
export const STS_API_VERSION = '2011-06-15';
/** The IAM XML namespace. */
export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
/** The only IAM API version. */
export const IAM_API_VERSION = '2010-05-08';

/**
 * A value that {@link toXml} can render: text, a number, nested elements, or a list (one element per item, all
 * with the member's name, as in `<member>…</member><member>…</member>`). Undefined members are skipped.
 */
export type XmlValue = string | number | XmlObject | readonly XmlValue[] | undefined;
/** Nested XML elements, rendered in insertion order. */
export interface XmlObject {
  [element: string]: XmlValue;
}

/** Escapes text for XML content. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** Renders nested elements as XML (no declaration, no whitespace). */
export function toXml(obj: XmlObject): string {
  let out = '';
  for (const [name, value] of Object.entries(obj)) {
    out += element(name, value);
  }
  return out;
}

function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item: XmlValue) => element(name, item)).join('');
  const inner = typeof value === 'object' ? toXml(value as XmlObject) : escapeXml(String(value));
  return `<${name}>${inner}</${name}>`;
}

/**
 * The body of a successful answer: `<{Action}Response><{Action}Result>…</…><ResponseMetadata>…`.
 * `result` undefined leaves the Result element out (IAM's write actions answer that way).
 */
export function successXml(
  action: string,
  result: XmlObject | undefined,
  requestId: string,
  xmlns: string = STS_XMLNS,
): string {
  return (
    `<${action}Response xmlns="${xmlns}">` +
    (result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`) +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>\n`
  );
}

/** The body of an error answer (`<ErrorResponse>`), in STS's namespace unless told otherwise. */
export function errorXml(error: StsError, requestId: string, xmlns: string = STS_XMLNS): string {
  return (
    `<ErrorResponse xmlns="${xmlns}">` +
    toXml({ Error: { Type: error.type, Code: error.code, Message: error.message } }) +
    `<RequestId>${escapeXml(requestId)}</RequestId>` +
    `</ErrorResponse>\n`
  );
}
