import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { XMLParser } from 'fast-xml-parser';
import { type Shape, type ShapeRef, serviceModel } from './ec2-model';

/**
 * Checks an EC2 response document against the API model's output shape for its action, the way
 * botocore reads it: every element must be a member of its structure by wire name (the member's
 * `locationName`, else its name), lists are `<wrapper><item>…</item></wrapper>` (or the member
 * name the model gives), scalars must parse as their type and strings with an enum must use one
 * of its values. Returns one line per violation, empty when the document conforms.
 */

/**
 * What EC2 sends that the Debian model (cut in 2022) does not know: members and enum values EC2
 * added later. Each one must be known to the newer model inside the installed
 * @aws-sdk/client-ec2 (`newerModelKnows`, asserted by shape-check.test.ts), so this list cannot
 * hide a typo.
 */
export const NEWER_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  CreateSecurityGroupResult: ['securityGroupArn'],
  DeleteSecurityGroupResult: ['groupId'],
  Image: [
    'sourceInstanceId',
    'deregistrationProtection',
    'lastLaunchedTime',
    'sourceImageId',
    'sourceImageRegion',
  ],
  Instance: ['currentInstanceBootMode'],
  SecurityGroup: ['securityGroupArn'],
  SecurityGroupRule: ['securityGroupRuleArn'],
};
export const NEWER_VALUES: Readonly<Record<string, readonly string[]>> = {
  BootModeValues: ['uefi-preferred'],
};
/** Newer instance types (m7g, c7i, …) are too many to list: the newer model is asked directly. */
const ENUMS_FROM_NEWER_MODEL = new Set(['InstanceType']);

/**
 * What EC2 itself sends although no model lists it: an attached internet gateway's attachment
 * state is `available` (EC2's own API examples show it).
 */
const VALUES_OFF_MODEL: Record<string, string[]> = {
  AttachmentStatus: ['available'],
};

let newerModel: string | undefined;
/** Whether the installed JavaScript SDK's (newer) EC2 model names `text` anywhere. */
export function newerModelKnows(text: string): boolean {
  if (newerModel === undefined) {
    const require = createRequire(import.meta.url);
    newerModel = readFileSync(require.resolve('@aws-sdk/client-ec2'), 'utf8');
  }
  return newerModel.includes(`"${text}"`);
}

function valueAllowed(shapeName: string, shape: Shape, value: string): boolean {
  if (!shape.enum || shape.enum.includes(value)) return true;
  if (VALUES_OFF_MODEL[shapeName]?.includes(value) || NEWER_VALUES[shapeName]?.includes(value)) return true;
  return ENUMS_FROM_NEWER_MODEL.has(shapeName) && newerModelKnows(value);
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
});

const TEXT = '#text';

function nameOf(node: Node): string {
  return Object.keys(node).find((key) => key !== ':@')!;
}

function childrenOf(node: Node): Node[] {
  return (node[nameOf(node)] as Node[]) ?? [];
}

function elements(nodes: Node[]): Node[] {
  return nodes.filter((n) => nameOf(n) !== TEXT);
}

function textOf(nodes: Node[]): string {
  return nodes
    .filter((n) => nameOf(n) === TEXT)
    .map((n) => String(n[TEXT]))
    .join('');
}

const SCALAR_CHECKS: Record<string, (text: string) => boolean> = {
  string: () => true,
  integer: (t) => /^-?\d+$/.test(t),
  long: (t) => /^-?\d+$/.test(t),
  double: (t) => t.trim() !== '' && Number.isFinite(Number(t)),
  float: (t) => t.trim() !== '' && Number.isFinite(Number(t)),
  boolean: (t) => t === 'true' || t === 'false',
  timestamp: (t) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(t),
  blob: (t) => /^[A-Za-z0-9+/]*={0,2}$/.test(t.replace(/\s/g, '')),
};

function check(nodes: Node[], ref: ShapeRef, path: string, out: string[]): void {
  const shapes = serviceModel().shapes;
  const shape: Shape | undefined = shapes[ref.shape];
  if (!shape) {
    out.push(`${path}: the model has no shape ${ref.shape}`);
    return;
  }
  const children = elements(nodes);
  if (shape.type === 'structure') {
    checkStructure(children, ref.shape, shape, path, out);
  } else if (shape.type === 'list') {
    const itemName = shape.member!.locationName ?? 'member';
    for (const [index, child] of children.entries()) {
      const name = nameOf(child);
      if (name !== itemName) out.push(`${path}: list element <${name}>, expected <${itemName}>`);
      else check(childrenOf(child), shape.member!, `${path}[${index}]`, out);
    }
  } else {
    if (children.length > 0) {
      out.push(`${path}: ${ref.shape} is a ${shape.type}, found element <${nameOf(children[0]!)}>`);
      return;
    }
    const text = textOf(nodes);
    const valid = SCALAR_CHECKS[shape.type];
    if (!valid) out.push(`${path}: unhandled model type ${shape.type}`);
    else if (!valid(text)) out.push(`${path}: '${text}' is not a ${shape.type} (${ref.shape})`);
    else if (!valueAllowed(ref.shape, shape, text))
      out.push(`${path}: '${text}' is not one of ${ref.shape}'s values`);
  }
}

function checkStructure(children: Node[], name: string, shape: Shape, path: string, out: string[]): void {
  const byWireName = new Map<string, ShapeRef>();
  for (const [member, ref] of Object.entries(shape.members ?? {}))
    byWireName.set(ref.locationName ?? member, ref);
  const seen = new Set<string>();
  for (const child of children) {
    const element = nameOf(child);
    const ref = byWireName.get(element);
    if (!ref && NEWER_MEMBERS[name]?.includes(element)) continue;
    if (!ref) {
      out.push(`${path}: <${element}> is not a member of ${name}`);
      continue;
    }
    if (seen.has(element)) out.push(`${path}: <${element}> appears twice`);
    seen.add(element);
    check(childrenOf(child), ref, `${path}.${element}`, out);
  }
}

/** Actions EC2 added after the Debian model: they answer `<return>` only (checked against the newer model). */
export const NEWER_ACTIONS: readonly string[] = [
  'EnableImageDeregistrationProtection',
  'DisableImageDeregistrationProtection',
];

/** Violations of `xml` (a whole `<ActionResponse>` document) against `action`'s output shape. */
export function shapeViolations(action: string, xml: string): string[] {
  const out: string[] = [];
  const operation = serviceModel().operations[action];
  if (!operation && !NEWER_ACTIONS.includes(action)) return [`${action}: not an EC2 action in the model`];
  const root = elements(parser.parse(xml) as Node[]).find((n) => nameOf(n) !== '?xml');
  const rootName = root ? nameOf(root) : undefined;
  if (!root || rootName !== `${action}Response`) return [`${action}: root element <${rootName}>`];
  const members = elements(childrenOf(root));
  const [first, ...rest] = members;
  if (!first || nameOf(first) !== 'requestId') out.push(`${action}: <requestId> does not come first`);
  // EC2 answers many actions with <return>true</return> beside their members, modelled or not.
  const body = rest.filter((n) => !(nameOf(n) === 'return' && textOf(childrenOf(n)) === 'true'));
  const result = operation?.output?.shape ?? `${action}Result`;
  checkStructure(body, result, serviceModel().shapes[result] ?? { type: 'structure' }, action, out);
  return out;
}
