import { createHash } from 'node:crypto';

export interface WireMessageAttribute {
  DataType: string;
  StringValue?: string;
  /** Base64, as the JSON protocol carries binary. */
  BinaryValue?: string;
  StringListValues?: string[];
  BinaryListValues?: string[];
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

/**
 * SQS's digest of message attributes: for each attribute in name order, the length-prefixed name,
 * the length-prefixed data type, a transport byte (1 string, 2 binary), the length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Record<string, WireMessageAttribute>): string | undefined {
  const names = Object.keys(attributes).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const attribute = attributes[name] as WireMessageAttribute;
    parts.push(
      lengthPrefixed(Buffer.from(name, 'utf8')),
      lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')),
    );
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]), lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64')));
    } else {
      parts.push(Buffer.from([1]), lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
    }
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}
