#!/usr/bin/env node
// Prints the JavaScript block under README.md's "Train an MLP on MNIST" heading,
// verbatim, so CI can run exactly what the README shows (scripts/check-package.sh,
// with STEPS set small). Usage: node scripts/readme-example.mjs [README.md] > mnist-mlp.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HEADING = '## Train an MLP on MNIST';
const path = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const text = readFileSync(path, 'utf8');
const at = text.indexOf(`\n${HEADING}\n`);
if (at < 0) throw new Error(`${path}: no "${HEADING}" section`);
const block = /\n```js\n([\s\S]*?)\n```\n/.exec(text.slice(at));
if (!block) throw new Error(`${path}: no \`\`\`js block under "${HEADING}"`);
process.stdout.write(`${block[1]}\n`);
