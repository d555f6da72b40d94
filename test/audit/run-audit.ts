// The audit's summary for a built dist: each case of bad-input-cases.ts run in a
// child process against `dist`, classified (clear / unclear / garbage / crash /
// hang) and counted per area. `node --import tsx test/audit/run-audit.ts [root]`
// (root: a package folder with dist/ built; default this one). With --check, also
// compares each case's outcome with its recorded `before`; --only=TEXT runs the
// cases whose entry or input contains TEXT.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CASES, type Outcome } from './bad-input-cases.js';
import { classify, runInChild } from './helpers.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const root = resolve(args.find((a) => !a.startsWith('--')) ?? join(__dirname, '..', '..'));
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const dist = join(root, 'dist', 'src', 'index.js');
const tmpDir = mkdtempSync(join(tmpdir(), 'foveate-audit-run-'));
const counts = new Map<string, Record<Outcome | 'tried', number>>();
const mismatches: string[] = [];
for (const c of CASES) {
  if (only !== undefined && !`${c.entry}: ${c.input}`.includes(only)) continue;
  const r = runInChild(c, root, dist, tmpDir, Number(process.env.AUDIT_TIMEOUT_MS ?? 60_000));
  const o = classify(c, r);
  const row = counts.get(c.area) ?? { tried: 0, clear: 0, unclear: 0, garbage: 0, crash: 0, hang: 0 };
  row.tried++;
  row[o]++;
  counts.set(c.area, row);
  console.log(`${o.padEnd(8)} ${c.area.padEnd(9)} ${c.entry}: ${c.input}${o === 'clear' ? '' : ` — ${r.message.slice(0, 160)}`}`);
  if (check && o !== c.before) mismatches.push(`${c.entry}: ${c.input}: recorded ${c.before}, got ${o}`);
}
rmSync(tmpDir, { recursive: true, force: true });
console.log('\narea       tried  clear  unclear  crashes  hangs  garbage');
const total = { tried: 0, clear: 0, unclear: 0, garbage: 0, crash: 0, hang: 0 };
for (const [area, r] of counts) {
  console.log(`${area.padEnd(10)} ${String(r.tried).padStart(5)} ${String(r.clear).padStart(6)} ${String(r.unclear).padStart(8)} ${String(r.crash).padStart(8)} ${String(r.hang).padStart(6)} ${String(r.garbage).padStart(8)}`);
  for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
}
console.log(`${'all'.padEnd(10)} ${String(total.tried).padStart(5)} ${String(total.clear).padStart(6)} ${String(total.unclear).padStart(8)} ${String(total.crash).padStart(8)} ${String(total.hang).padStart(6)} ${String(total.garbage).padStart(8)}`);
if (mismatches.length) console.log(`\n${mismatches.length} outcomes differ from the recorded 'before':\n${mismatches.join('\n')}`);
