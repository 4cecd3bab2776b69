import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Registered } from './synth-mocks';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** One function as it would be deployed: its Lambda, its role's trust and inline policies. */
export interface DeployedFunction {
  name: string;
  trust: PolicyDocument;
  inline: { name: string; policy: string; document: PolicyDocument }[];
  managedPolicyArns: string[];
}

export interface Stack {
  resources: Registered[];
  outputs: Record<string, unknown>;
  functions: DeployedFunction[];
}

/** Generates `.sst/platform` when missing (npm registry only, once per checkout). */
export async function ensurePlatform(): Promise<void> {
  await run('bash', ['scripts/sst-types.sh'], { cwd: root });
}

/** What `sst deploy --stage <stage>` would register, from test/infra/synthesize.ts. */
export async function synthesize(stage: string): Promise<Stack> {
  const { stdout } = await run(resolve(root, 'node_modules/.bin/tsx'), ['test/infra/synthesize.ts', stage], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  const { resources, outputs } = unwrapSecrets(JSON.parse(stdout)) as {
    resources: Registered[];
    outputs: Record<string, unknown>;
  };
  const functions = resources
    .filter((r) => r.type === 'sst:aws:Function')
    .map((fn) => {
      const role = resources.find((r) => r.type === 'aws:iam/role:Role' && r.name === `${fn.name}Role`);
      if (!role) throw new Error(`no role for function ${fn.name}`);
      const inline = (role.inputs.inlinePolicies as { name: string; policy: string }[]).map((p) => ({
        ...p,
        document: JSON.parse(p.policy) as PolicyDocument,
      }));
      return {
        name: fn.name,
        trust: JSON.parse(role.inputs.assumeRolePolicy as string) as PolicyDocument,
        inline,
        managedPolicyArns: role.inputs.managedPolicyArns as string[],
      };
    });
  return { resources, outputs, functions };
}

export const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Pulumi's wire form of a secret value (`{<sig>: <secret sig>, value}`) → the value. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (SECRET_SIG in record) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
