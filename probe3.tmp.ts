import { readFileSync } from 'node:fs';
import { coldImportPaired } from './bench/cold-import';
const ENV = JSON.parse(readFileSync('/tmp/scale/bundles/env.json', 'utf8'));
const [a, b] = process.argv.slice(2);
const [x, y] = coldImportPaired(a!, b!, ENV, 5);
console.log(a, x.importMs, b, y.importMs, (x.importMs / y.importMs).toFixed(3));
