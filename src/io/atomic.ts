// Atomic file writes: a temporary file in the same folder, fsync, rename, then
// fsync of the folder — a reader sees the old file or the new one, never half
// of one, and a failed write leaves nothing behind. Every file foveate writes
// (checkpoints, pictures, metrics snapshots) goes through here. The folder must
// exist (a run folder creates itself): a typo in a path is an error, not a new tree.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fail } from '../errors.js';

export function writeFileAtomic(path: string, data: Uint8Array | string, op = 'write'): void {
  const dir = dirname(path);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
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
