// `npm install` runs this last (the `postinstall` script). npm checks every package's `engines`
// against the Node that runs npm itself, so on a machine with an older Node it prints
// EBADENGINE warnings for ec2ops and the dependencies that need Node 22. They do not apply: npm
// scripts put node_modules/.bin first on PATH, where the `node` devDependency installs Node 22,
// so `npm start`, `npm test` and `npx ec2ops` run on the same major as Lambda. Say so, once,
// rather than hide npm's warnings (npm has no switch for one kind of warning only).
const required = 22;
const major = (version) => Number(/v?(\d+)\./.exec(version ?? '')?.[1] ?? 0);

const npmNode = /node\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1];
const projectNode = process.version; // the Node on npm's script PATH: the devDependency's, if installed

if (major(projectNode) < required) {
  console.error(
    `ec2ops: Node ${projectNode} would run this project, but it needs Node ${required}: the \`node\` ` +
      'devDependency did not install its binary. Run `npm rebuild node`, or install Node 22.',
  );
  process.exit(1);
}
if (npmNode && major(npmNode) < required) {
  console.log(
    `ec2ops: the EBADENGINE warnings above are expected. npm runs on this machine's Node ${npmNode}; ` +
      `ec2ops and some of its dependencies ask for Node ${required}, and every npm script ` +
      `(npm start, npm test, npx ec2ops) runs on Node ${projectNode} from the \`node\` devDependency.`,
  );
}
