/**
 * What Pulumi's mock runtime answers in place of AWS while `sst.config.ts` runs offline: each
 * resource echoes its inputs plus the attributes SST's components read back (arn, name, url),
 * and the few data sources SST calls return one fixed account and region. Policy documents are
 * rendered the way the AWS provider's `aws.iam.getPolicyDocument` renders them, because SST
 * builds every role's trust and inline policy with it and the tests read those JSON strings.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

interface DocStatement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

const one = (values: string[]) => (values.length === 1 ? values[0] : values);

export function policyDocumentJson(statements: DocStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const condition: Record<string, Record<string, string | string[]>> = {};
      for (const c of s.conditions ?? []) {
        condition[c.test] = { ...condition[c.test], [c.variable]: one(c.values) as string | string[] };
      }
      return {
        ...(s.sid ? { Sid: s.sid } : {}),
        Effect: s.effect ?? 'Allow',
        ...(s.actions ? { Action: one(s.actions) } : {}),
        ...(s.resources ? { Resource: one(s.resources) } : {}),
        ...(s.principals
          ? { Principal: Object.fromEntries(s.principals.map((p) => [p.type, one(p.identifiers)])) }
          : {}),
        ...(Object.keys(condition).length ? { Condition: condition } : {}),
      };
    }),
  });
}

/** `aws:lambda/function:Function` → `lambda`, for a plausible ARN. */
const serviceOf = (type: string) => type.split(':')[1]?.split('/')[0] ?? 'x';

export function mockResource(args: { type: string; name: string; inputs: Record<string, unknown> }) {
  const name = (args.inputs.name as string | undefined) ?? args.name;
  const arn = `arn:aws:${serviceOf(args.type)}:${REGION}:${ACCOUNT}:${name}`;
  return {
    id: `${args.name}-id`,
    state: {
      ...args.inputs,
      name,
      arn,
      url: `https://${name.toLowerCase()}.example.test/`,
      functionUrl: `https://${name.toLowerCase()}.lambda-url.${REGION}.on.aws/`,
      invokeArn: `${arn}/invocations`,
    },
  };
}

export function mockCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (token) {
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return {
        accountId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
        userId: 'AIDEPLOYER',
        id: ACCOUNT,
      };
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
    case 'aws:index/getRegion:getRegion':
      return { name: REGION, region: REGION, id: REGION, endpoint: `ec2.${REGION}.amazonaws.com` };
    case 'aws:iam/getPolicyDocument:getPolicyDocument':
      return { ...inputs, json: policyDocumentJson((inputs.statements as DocStatement[]) ?? []) };
    default:
      return inputs;
  }
}
