/**
 * Plain objects to EC2-style XML. Keys are the wire element names (the model's `locationName`),
 * arrays become `<key><item>…</item></key>`, dates ISO-8601 UTC with milliseconds, booleans
 * `true`/`false`; `undefined` and `null` members are left out, as EC2 leaves out absent fields.
 */
export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | XmlValue[]
  | XmlList
  | XmlFragment
  | XmlObject;
export interface XmlObject {
  [key: string]: XmlValue;
}

/** A list whose members are not called `item` (the model names a few lists' members otherwise). */
export class XmlList {
  constructor(
    readonly itemName: string,
    readonly items: XmlValue[],
  ) {}
}

/** Members already written as XML (see `membersXml`), for answers cached per record. */
export class XmlFragment {
  constructor(readonly xml: string) {}
}

export const namedList = (itemName: string, items: XmlValue[]): XmlList => new XmlList(itemName, items);

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

// Characters XML 1.0 cannot carry at all, even escaped: C0 controls other than tab, newline and
// carriage return, U+FFFE/U+FFFF and unpaired surrogates.
function isXmlChar(code: number): boolean {
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d;
  return code !== 0xfffe && code !== 0xffff;
}

function stripInvalid(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const loneSurrogate = ch.length === 1 && code >= 0xd800 && code <= 0xdfff;
    out += isXmlChar(code) && !loneSurrogate ? ch : '\uFFFD';
  }
  return out;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NEEDS_WORK = /[&<>"'\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

export function escapeXml(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  return stripInvalid(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

function scalar(value: string | number | boolean | Date): string {
  if (typeof value === 'string') return escapeXml(value);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

// Builds one string by concatenation (V8 ropes): much faster than many small array pushes
// for the multi-megabyte answers DescribeInstances gives over thousands of instances.
function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object' || value instanceof Date) return `<${name}>${scalar(value)}</${name}>`;
  if (value instanceof XmlFragment) return `<${name}>${value.xml}</${name}>`;
  if (Array.isArray(value) || value instanceof XmlList) {
    const items = value instanceof XmlList ? value.items : value;
    const itemName = value instanceof XmlList ? value.itemName : 'item';
    if (items.length === 0) return `<${name}/>`;
    let out = `<${name}>`;
    for (const item of items) out += element(itemName, item);
    return `${out}</${name}>`;
  }
  return `<${name}>${members(value)}</${name}>`;
}

export function membersXml(object: XmlObject): string {
  return members(object);
}

function members(object: XmlObject): string {
  let out = '';
  for (const key in object) out += element(key, object[key]);
  return out;
}

/** `<ActionResponse xmlns=…><requestId>…</requestId>…members…</ActionResponse>` */
export function actionResponseXml(action: string, requestId: string, body: XmlObject): string {
  return (
    `${DECLARATION}<${action}Response xmlns="${EC2_NAMESPACE}">` +
    `<requestId>${escapeXml(requestId)}</requestId>${members(body)}</${action}Response>`
  );
}

export function errorResponseXml(code: string, message: string, requestId: string): string {
  return (
    DECLARATION +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors>` +
    `<RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}
