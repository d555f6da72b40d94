// Where the package is installed: the nearest folder above this file holding the
// napi loader (index.js) and package.json — in the source tree and in dist/ alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'index.js')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`foveate: native loader index.js not found above ${__dirname}`);
  }
}

export const packageDir = packageRoot();
