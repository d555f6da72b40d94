// Issue 17, item 1: an impossible size is a caught Error naming the op, never an
// abort. Each case runs in its own child process, since the failure this guards
// against (SIGABRT from a refused allocation) would take the test runner down.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const entry = join(__dirname, '..', 'src', 'index.ts');

interface Outcome { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs `body` (with `fv` in scope) in a child; it prints the caught Error's message. */
function child(body: string, env: Record<string, string> = {}): Promise<Outcome> {
  // src/ is CommonJS under tsx, so its exports may arrive as the default export.
  const script = `import * as ns from ${JSON.stringify(entry)};
const fv = typeof ns.randn === 'function' ? ns : ns.default;
try { ${body}; console.log('NO ERROR'); }
catch (e) { console.log('ERROR ' + (e instanceof Error ? e.message : String(e))); }`;
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

const cases: Array<[string, string, RegExp]> = [
  ['randn', 'fv.randn([1e6,1e6])', /^randn: .*\[1000000,1000000\].*4000000000000 bytes/],
  ['rand', 'fv.rand([1e6,1e6])', /^rand: .*4000000000000 bytes/],
  ['bernoulli', 'fv.bernoulli([1e6,1e6], 0.5)', /^bernoulli: .*4000000000000 bytes/],
  ['zeros', 'fv.zeros([1e6,1e6])', /^zeros: .*\[1000000,1000000\]/],
  ['expand', 'fv.ops.expand(fv.ones([1,1]), [1e6,1e6])', /^expand: .*4000000000000 bytes/],
  ['matmul', 'fv.ops.matmul(fv.zeros([1e5,1]), fv.zeros([1,1e5]))', /^matmul: .*\[100000,100000\].*40000000000 bytes/],
  ['add', 'fv.ops.add(fv.zeros([1e5,1]), fv.zeros([1,1e5]))', /^add: .*40000000000 bytes/],
  ['conv2d padding 1e5', 'fv.ops.conv2d(fv.zeros([1,1,3,3]), fv.zeros([1,1,3,3]), { padding: 1e5 })', /^conv2d: .*bytes/],
  ['conv2d padding 1e9', 'fv.ops.conv2d(fv.zeros([1,1,3,3]), fv.zeros([1,1,3,3]), { padding: 1e9 })', /^conv2d: .*(bytes|overflows)/],
  ['nn.Linear', 'new fv.nn.Linear(1e6, 1e6)', /^Linear: weight \[1000000,1000000\] needs 4000000000000 bytes/],
  ['nn.Embedding', 'new fv.nn.Embedding(1e6, 1e6)', /^Embedding: weight \[1000000,1000000\] needs 4000000000000 bytes/],
  ['nn.LSTMCell', 'new fv.nn.LSTMCell(1e5, 1e5)', /^LSTMCell: weightIh \[400000,100000\] needs 160000000000 bytes/],
  ['nn.Conv2d', 'new fv.nn.Conv2d(1e5, 1e5, 100)', /^Conv2d: weight \[100000,100000,100,100\] needs 400000000000000 bytes/],
  ['nn.BatchNorm2d', 'new fv.nn.BatchNorm2d(1e12)', /^BatchNorm2d: weight.*4000000000000 bytes/],
  ['attention.write', 'fv.attention.write(fv.zeros([1,2,2]), fv.zeros([1,5]), 1e5, 1e5)', /^attention\.write: canvas \[1,100000,100000\] needs 40000000000 bytes/],
  ['indexSelect', "fv.ops.indexSelect(fv.zeros([1,1e5]), 0, fv.zeros([1e5], { dtype: 'int32' }))", /^indexSelect: .*\[100000,100000\] needs 40000000000 bytes/],
  ['ops.embedding', "fv.ops.embedding(fv.zeros([1e5], { dtype: 'int32' }), fv.zeros([10,1e5]))", /^embedding: result \[100000,100000\] needs 40000000000 bytes/],
  ['attention.filterbank', 'fv.attention.filterbank(fv.zeros([1,5]), 2, 1e9, 1e9)', /^attention\.filterbank: .*bytes/],
];

describe('no abort on impossible sizes (child processes)', () => {
  it.concurrent.each(cases)('%s refuses with an Error', async (_name, body, message) => {
    const r = await child(body);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ERROR /);
    const line = r.stdout.trim().slice('ERROR '.length);
    expect(line).toMatch(message);
    expect(r.stderr).not.toMatch(/panicked|memory allocation of/);
  }, 30_000);
});

describe('FOVEATE_MAX_ALLOC', () => {
  it('lowers the ceiling: a modest allocation refused under 1M, accepted without it', async () => {
    const body = 'fv.randn([1024,1024])'; // 4 MiB
    const low = await child(body, { FOVEATE_MAX_ALLOC: '1M' });
    expect(low.signal).toBeNull();
    expect(low.stdout).toMatch(/^ERROR randn: .*4194304 bytes.*ceiling of 1048576 bytes.*FOVEATE_MAX_ALLOC/);
    const normal = await child(body);
    expect(normal.stdout.trim()).toBe('NO ERROR');
  }, 30_000);

  it('a value that is not a byte count is an error naming it, not silently the default', async () => {
    const r = await child('fv.randn([4])', { FOVEATE_MAX_ALLOC: '8 gigs' });
    expect(r.signal).toBeNull();
    expect(r.stdout).toMatch(/^ERROR randn: FOVEATE_MAX_ALLOC="8 gigs" is not a byte count/);
  }, 30_000);
});
