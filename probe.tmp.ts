import { bundleEntry, bundleFunction } from './scripts/function-bundles';
import { coldImportPaired } from './bench/cold-import';
import { linkedSecretVariables } from '@ec2ops/sandbox/runner/handler-env';
const ENV = {
  ...linkedSecretVariables('bench', { SlackBotToken: 'xoxb-bench', SlackSigningSecret: 'bench-secret' }),
  QUEUE_URL: 'http://127.0.0.1:1/000000000000/ec2ops-requests',
  EC2OPS_CONFIG: JSON.stringify({ stage: 'bench', roles: { users: { UOPERATOR: 'operator' } } }),
  AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', LOG_LEVEL: 'silent',
};
const dir = '/tmp/scale/bundles';
const naive = await bundleEntry('bench/fixtures/naive-monolith-entry.ts', { outfile: `${dir}/naive.mjs` });
for (const name of (process.argv[2] ?? 'slack,worker').split(',') as ('slack'|'worker')[]) {
  const b = await bundleFunction(name, `${dir}/${name}.mjs`);
  const [c, n] = coldImportPaired(b.file!, naive.file!, ENV, 5);
  console.log(name, (b.bytes/1024).toFixed(0), 'kB', c.importMs, 'ms vs naive', n.importMs, '→', (c.importMs / n.importMs).toFixed(3), 'rss', c.maxRssMb, n.maxRssMb);
}
console.log(JSON.stringify(ENV));
