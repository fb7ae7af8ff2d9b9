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

/**
 * Reads conf.yaml; a missing or unreadable file is a ConfigError naming the path. `defaultDir` is set when the
 * path was not given but assumed: a missing file then says where it was looked for and how to point elsewhere.
 */
export function readConfigFile(path: string, defaultDir?: string, fs: ConfigFs = nodeFs): ConfigFile {
  try {
    return { path, text: fs.readFileSync(path, 'utf8'), mode: fs.statSync(path).mode & 0o777 };
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && defaultDir !== undefined) {
      throw new ConfigError(path, [`no conf.yaml in ${defaultDir}: copy sample.conf.yaml there, or point --config or MATTERMOST_INCIDENT_CONFIG at the file`], { cause: error });
    }
    const reason = missing ? 'file not found' : (error as Error).message;
    throw new ConfigError(path, [`cannot read the file (${reason})`], { cause: error });
  }
}
