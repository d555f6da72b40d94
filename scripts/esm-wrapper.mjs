// Writes dist/src/index.mjs: an ES module re-exporting the CommonJS build by name,
// so `import * as fv from 'foveate'` and `require('foveate')` share one instance.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src');
const require = createRequire(import.meta.url);
const names = Object.keys(require(join(dist, 'index.js'))).filter((n) => n !== 'default' && n !== '__esModule');
const lines = [
  "import fv from './index.js';",
  ...names.map((n) => `export const ${n} = fv.${n};`),
  'export default fv;',
  '',
];
writeFileSync(join(dist, 'index.mjs'), lines.join('\n'));
console.log(`dist/src/index.mjs: ${names.length} named exports`);
