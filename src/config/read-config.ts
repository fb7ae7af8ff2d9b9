import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../errors';

export interface ConfigFile {
  readonly path: string;
  readonly text: string;
  /** Permission bits, to warn when a file holding secrets is readable by others. */
  readonly mode: number;
}

export interface ConfigFs {
  readFileSync(path: string, encoding: 'utf8'): string;
  statSync(path: string): { mode: number };
}

const nodeFs: ConfigFs = { readFileSync, statSync };

/** Reads conf.yaml; a missing or unreadable file is a ConfigError naming the path. */
export function readConfigFile(path: string, fs: ConfigFs = nodeFs): ConfigFile {
  try {
    return { path, text: fs.readFileSync(path, 'utf8'), mode: fs.statSync(path).mode & 0o777 };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(path, [`cannot read the file (${reason})`], { cause: error });
  }
}
