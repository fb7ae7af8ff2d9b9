/**
 * The public samples and the official spec beside the checkout (`../shared`). A clone from the public repository
 * does not have them: the tests over them then report themselves skipped, with the reason.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SHARED = join(__dirname, '..', '..', '..', 'shared');

/** `false` when `../shared/<part>` is there, else the one-line reason a test is skipped. */
export function skipUnlessShared(part: string): false | string {
  return existsSync(join(SHARED, part)) ? false : `../shared/${part} is not beside the checkout (the public samples are not part of the repository)`;
}

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

export function sharedText(...parts: string[]): string {
  return readFileSync(sharedPath(...parts), 'utf8');
}

/** Every `.json` file under a folder of ../shared, recursively; empty when the folder is absent. */
export function sharedJsonFiles(...parts: string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.json') ? [path] : [];
    });
  const dir = sharedPath(...parts);
  return existsSync(dir) ? walk(dir) : [];
}
