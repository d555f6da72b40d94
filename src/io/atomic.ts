// Atomic file writes: a temporary file in the same folder, fsync, rename, then
// fsync of the folder — a reader sees the old file or the new one, never half
// of one, and a failed write leaves nothing behind. Every file foveate writes
// (checkpoints, pictures, metrics snapshots) goes through here. The folder must
// exist (a run folder creates itself): a typo in a path is an error, not a new tree.
// A process killed mid-write leaves its temporary file; the next write of that
// file, and a run folder when it opens, remove those whose writer is gone.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fail } from '../errors.js';

/** `.<name>.<pid>.<random>.tmp`, as writeFileAtomic names its temporary files. */
const TEMP = /^\.(.+)\.(\d+)\.[a-z0-9]+\.tmp$/;

/** Whether a process with this id is running (EPERM: it is, under another user). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files writeFileAtomic left in `dir` (for `name` only,
 * when given) whose writing process is no longer alive; returns their names.
 * Best effort: a folder that cannot be read, or a file already gone, is skipped.
 */
export function removeStaleTemps(dir: string, name?: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const f of files) {
    const m = TEMP.exec(f);
    if (!m || (name !== undefined && m[1] !== name) || alive(Number(m[2]))) continue;
    try {
      unlinkSync(join(dir, f));
      removed.push(f);
    } catch {
      // removed by another process meanwhile
    }
  }
  return removed;
}

export function writeFileAtomic(path: string, data: Uint8Array | string | Iterable<Uint8Array>, op = 'write'): void {
  const dir = dirname(path);
  removeStaleTemps(dir, basename(path));
  // A file given as parts is written part by part (each may reuse one buffer).
  const parts: Iterable<Uint8Array> = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data instanceof Uint8Array ? [data] : data;
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    for (const bytes of parts) for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    fail(op, `cannot write ${path}: ${(e as Error).message}`);
  }
  try {
    const d = openSync(dir, 'r');
    fsyncSync(d); // make the rename itself durable
    closeSync(d);
  } catch {
    // some filesystems refuse fsync on a folder; the data is already on disk
  }
}
