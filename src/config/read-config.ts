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
  statSync(path: string): { mode: number; size: number; isFile(): boolean };
}

const nodeFs: ConfigFs = { readFileSync, statSync };

/** A conf.yaml is a few kilobytes; anything this big is not one (and must not be read into memory). */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads conf.yaml; a missing or unreadable file is a ConfigError naming the path. `defaultDir` is set when the
 * path was not given but assumed: a missing file then says where it was looked for and how to point elsewhere.
 */
export function readConfigFile(path: string, defaultDir?: string, fs: ConfigFs = nodeFs): ConfigFile {
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile()) throw new ConfigError(path, ['not a regular file: conf.yaml must be a file']);
    if (stat.size > MAX_CONFIG_BYTES) throw new ConfigError(path, [`${stat.size} bytes, too large to be a conf.yaml (at most ${MAX_CONFIG_BYTES})`]);
    return { path, text: fs.readFileSync(path, 'utf8'), mode: stat.mode & 0o777 };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && defaultDir !== undefined) {
      throw new ConfigError(path, [`no conf.yaml in ${defaultDir}: copy sample.conf.yaml there, or point --config or MATTERMOST_INCIDENT_CONFIG at the file`], { cause: error });
    }
    const reason = missing ? 'file not found' : (error as Error).message;
    throw new ConfigError(path, [`cannot read the file (${reason})`], { cause: error });
  }
}
