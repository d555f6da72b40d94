// After tsc: puts the napi-generated binding types (index.d.ts at the package root)
// at dist/index.d.ts as well, where dist/src/native.d.ts's `import type … from '../index'`
// looks for them (from src/native.ts the same path reaches the root's index.d.ts).
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
copyFileSync(join(root, 'index.d.ts'), join(root, 'dist', 'index.d.ts'));
