/**
 * Files under `state_dir`, which another local user must not be able to prepare or tamper with: the directory
 * must be the user's own and writable by nobody else; files are opened without following links; writes go to
 * a unique temporary name created exclusively (so nothing planted there can be written through), then renamed
 * into place.
 */
import { closeSync, constants, fstatSync, linkSync, lstatSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StateError } from '../errors';
import { uniqueToken } from './key-hash';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

export interface Owner {
  /** The user id files must belong to; undefined where the platform has none. */
  readonly uid?: number;
}

export const currentOwner: Owner = { uid: typeof process.getuid === 'function' ? process.getuid() : undefined };

/**
 * Makes sure `dir` exists as a private directory of this user (mode 700 when created) and refuses one that is a
 * link, is not a directory, belongs to someone else or that others may write to.
 */
export function ensurePrivateDir(dir: string, owner: Owner = currentOwner): void {
  let stat: import('node:fs').Stats | undefined;
  try {
    stat = lstatSync(dir);
  } catch {
    // Not there yet (most runs find it there: one call instead of two).
  }
  if (!stat) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new StateError(`state_dir: cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): set state_dir to a directory this user may write`, { cause: error });
    }
    stat = lstatSync(dir);
  }
  if (stat.isSymbolicLink()) throw new StateError(`state_dir: ${dir} is a symbolic link; refusing it (another user could point it anywhere): use a real directory of your own`);
  if (!stat.isDirectory()) throw new StateError(`state_dir: ${dir} is not a directory`);
  if (owner.uid !== undefined && stat.uid !== owner.uid) {
    throw new StateError(`state_dir: ${dir} belongs to user ${stat.uid}, not to this user (${owner.uid}); another user could plant locks or dead letters there: use a directory of your own`);
  }
  if ((stat.mode & 0o022) !== 0) {
    throw new StateError(`state_dir: ${dir} can be written by others (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 700 ${dir}`);
  }
}

/** Reads a file without following a link at its name, at most `maxBytes`; undefined when it does not exist. */
export function readPrivateFile(path: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new StateError(`${path} is a symbolic link; refusing to read it`, { cause: error });
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new StateError(`${path} is not a regular file; refusing to read it`);
    if (stat.size > maxBytes) throw new StateError(`${path} is ${stat.size} bytes, more than the ${maxBytes} it may be`);
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    // A file that grows while read is cut at the limit rather than read without end.
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) throw new StateError(`${path} grew past the ${maxBytes} bytes it may be while it was read`);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` with `data` only if nothing is there, atomically: it appears whole or not at all. */
export function createExclusive(path: string, data: string | Buffer): boolean {
  return withTemporary(path, data, (temporary) => {
    try {
      // link() fails if the name is taken, and never follows a link at it.
      linkSync(temporary, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  });
}

/** Writes `path` atomically: a temporary file of a unique name, created exclusively, then renamed over it. */
export function writePrivateFile(path: string, data: string | Buffer): void {
  withTemporary(path, data, (temporary) => renameSync(temporary, path));
}

/** Runs `use` with a temporary file beside `path` holding `data`; the temporary name is gone afterwards. */
function withTemporary<T>(path: string, data: string | Buffer, use: (temporary: string) => T): T {
  const temporary = writeTemporary(dirname(path), data);
  try {
    return use(temporary);
  } finally {
    removeIfThere(temporary);
  }
}

export function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export function randomName(prefix: string): string {
  return `${prefix}${uniqueToken()}`;
}

function writeTemporary(dir: string, data: string | Buffer): string {
  const temporary = join(dir, randomName('.tmp-'));
  const fd = openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  } catch (error) {
    closeSync(fd);
    removeIfThere(temporary);
    throw error;
  }
  closeSync(fd);
  return temporary;
}
