import { YAMLException, load } from 'js-yaml';
import { ConfigError } from '../errors';

/** Parses conf.yaml text into plain data; a YAML syntax error becomes a ConfigError with its line and column. */
export function parseConfigText(text: string, source: string): unknown {
  // An empty file (or one of comments only) is an empty mapping: validation then names what is missing.
  if (text.split('\n').every((line) => /^\s*(#.*)?$/.test(line))) return {};
  try {
    return load(text, { filename: source }) ?? {};
  } catch (error) {
    if (!(error instanceof YAMLException)) throw new ConfigError(source, [`not valid YAML: ${String(error)}`], { cause: error });
    const where = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : '';
    throw new ConfigError(source, [`not valid YAML${where}: ${error.reason}`], { cause: error });
  }
}
