import type { StsError } from './errors.js';

/** The STS XML namespace. */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** The only STS API version. */
export const STS_API_VERSION = '2011-06-15';

/** A value that {@link toXml} can render: text, a number, or nested elements (undefined members are skipped). */
export type XmlValue = string | number | XmlObject | undefined;
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
    if (value === undefined) continue;
    const inner = typeof value === 'object' ? toXml(value) : escapeXml(String(value));
    out += `<${name}>${inner}</${name}>`;
  }
  return out;
}

/** The body of a successful STS answer: `<{Action}Response><{Action}Result>…</…><ResponseMetadata>…`. */
export function successXml(action: string, result: XmlObject, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_XMLNS}">` +
    `<${action}Result>${toXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>\n`
  );
}

/** The body of an STS error answer (`<ErrorResponse>`). */
export function errorXml(error: StsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${STS_XMLNS}">` +
    toXml({ Error: { Type: error.type, Code: error.code, Message: error.message } }) +
    `<RequestId>${escapeXml(requestId)}</RequestId>` +
    `</ErrorResponse>\n`
  );
}
