import { load, YAMLException } from 'js-yaml';
import { ConfigError } from '../errors';

/** Parses conf.yaml text into plain data; YAML syntax errors become a ConfigError with the line. */
export function parseConfigText(text: string, source: string): unknown {
  try {
    return load(text, { filename: source }) ?? {};
  } catch (error) {
    const reason = error instanceof YAMLException ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(source, [`not valid YAML: ${reason}`], { cause: error });
  }
}
