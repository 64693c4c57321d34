/**
 * A tiny, safe XML reader for the small answers of the AWS Query API (IAM). Elements and text only:
 * attributes are skipped, namespace prefixes dropped, DTDs refused (so no entity expansion), depth and size capped.
 */

/** One element: its local name, child elements in order, and its own text (entities decoded). */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

/** Raised for anything that is not the plain XML AWS sends. */
export class XmlSyntaxError extends Error {
  constructor(reason: string) {
    super(`Unreadable XML answer: ${reason}`);
    this.name = 'XmlSyntaxError';
  }
}

const MAX_BYTES = 8 * 1024 * 1024;
const MAX_DEPTH = 32;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const named = NAMED[ref];
    if (named === undefined) throw new XmlSyntaxError(`unknown entity ${whole}`);
    return named;
  });
}

function localName(raw: string): string {
  const colon = raw.indexOf(':');
  return colon < 0 ? raw : raw.slice(colon + 1);
}

/** Parses a document into its root element. Throws {@link XmlSyntaxError} on anything unexpected. */
export function parseXml(xml: string): XmlNode {
  if (xml.length > MAX_BYTES) throw new XmlSyntaxError('too large');
  const root: XmlNode = { name: '#document', children: [], text: '' };
  const stack: XmlNode[] = [root];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1] as XmlNode;
    if (lt < 0) {
      if (xml.slice(i).trim() !== '') throw new XmlSyntaxError('text after the root element');
      break;
    }
    if (lt > i) top.text += decodeEntities(xml.slice(i, lt));
    if (xml.startsWith('<?', lt)) {
      i = after(xml, '?>', lt);
    } else if (xml.startsWith('<!--', lt)) {
      i = after(xml, '-->', lt);
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      if (end < 0) throw new XmlSyntaxError('unterminated CDATA');
      top.text += xml.slice(lt + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      throw new XmlSyntaxError('DTDs are not accepted');
    } else if (xml.startsWith('</', lt)) {
      const end = after(xml, '>', lt);
      const name = localName(xml.slice(lt + 2, end - 1).trim());
      if (stack.length < 2 || top.name !== name) throw new XmlSyntaxError(`unexpected </${name}>`);
      stack.pop();
      i = end;
    } else {
      const end = tagEnd(xml, lt);
      const selfClosing = xml[end - 2] === '/';
      const inner = xml.slice(lt + 1, selfClosing ? end - 2 : end - 1).trim();
      const rawName = /^[^\s/>]+/.exec(inner)?.[0];
      if (!rawName) throw new XmlSyntaxError('element without a name');
      const node: XmlNode = { name: localName(rawName), children: [], text: '' };
      if (stack.length === 1 && root.children.length > 0) throw new XmlSyntaxError('two root elements');
      top.children.push(node);
      if (!selfClosing) {
        if (stack.length > MAX_DEPTH) throw new XmlSyntaxError('nested too deeply');
        stack.push(node);
      }
      i = end;
    }
  }
  const first = root.children[0];
  if (stack.length !== 1 || !first) throw new XmlSyntaxError('incomplete document');
  return first;
}

function after(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  if (at < 0) throw new XmlSyntaxError(`missing ${token}`);
  return at + token.length;
}

/** The index just past the `>` that closes the tag at `lt`, skipping quoted attribute values. */
function tagEnd(xml: string, lt: number): number {
  let quote: string | undefined;
  for (let j = lt + 1; j < xml.length; j++) {
    const c = xml[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j + 1;
  }
  throw new XmlSyntaxError('unterminated tag');
}

/** The first child element called `name`, if any. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

/** Every child element called `name`. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return node?.children.filter((c) => c.name === name) ?? [];
}

/** The trimmed text of the first child called `name`, or undefined when there is none. */
export function textOf(node: XmlNode | undefined, name: string): string | undefined {
  const found = child(node, name);
  return found === undefined ? undefined : found.text.trim();
}
