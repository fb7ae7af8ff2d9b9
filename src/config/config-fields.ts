import { suggestion } from './closest-match';

type Obj = Record<string, unknown>;

/** A key the config has that the tool does not know, and the known key it is probably a typo of. */
export interface UnknownKey {
  readonly path: string;
  readonly suggestion: string;
}

/**
 * One mapping of conf.yaml, read field by field. Wrong types are collected as problems with their key path; the
 * keys read are remembered, so the ones left over are the unknown keys. Secrets are never quoted in a problem.
 */
export class Section {
  private readonly read = new Set<string>();
  private readonly children: Section[] = [];

  constructor(
    readonly path: string,
    private readonly value: Obj,
    private readonly problems: string[],
  ) {}

  /** The top of the document; anything but a mapping is a problem. */
  static root(raw: unknown, problems: string[]): Section {
    if (!isObject(raw)) problems.push(`(top level): must be a mapping of sections, got ${describe(raw)}`);
    return new Section('', isObject(raw) ? raw : {}, problems);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    this.read.add(key);
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  /** A nested mapping; absent reads as empty (or a problem when required). */
  section(key: string, required = false): Section {
    this.read.add(key);
    const value = this.value[key];
    if (value === undefined || value === null) {
      if (required) this.problems.push(`${this.at(key)}: required section is missing`);
    } else if (!isObject(value)) this.problems.push(`${this.at(key)}: must be a mapping, got ${describe(value)}`);
    const child = new Section(this.at(key), isObject(value) ? value : {}, this.problems);
    this.children.push(child);
    return child;
  }

  string(key: string): string | undefined {
    this.read.add(key);
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return void this.problems.push(`${this.at(key)}: must be a string, got ${describe(value)}`);
    return value.trim() === '' ? undefined : value.trim();
  }

  /** A secret, never printed. `digits`: a number is taken as its digits (YAML reads an all-digit password as one). */
  secret(key: string, options: { digits?: boolean } = {}): string | undefined {
    this.read.add(key);
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && options.digits) return String(value);
    if (typeof value !== 'string') return void this.problems.push(`${this.at(key)}: must be a string (quote it in YAML), got ${kind(value)} (not shown)`);
    return value.trim() === '' ? undefined : value.trim();
  }

  /** Secrets as a list; one string is taken as a comma-separated list. Never printed. */
  secrets(key: string): string[] {
    this.read.add(key);
    const value = this.value[key];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string' || typeof value === 'number') return splitList(String(value));
    if (!Array.isArray(value)) return void this.problems.push(`${this.at(key)}: must be a list of strings, got ${kind(value)} (not shown)`), [];
    const out: string[] = [];
    value.forEach((item, i) => {
      if ((typeof item === 'string' && item.trim() !== '') || typeof item === 'number') out.push(String(item).trim());
      else this.problems.push(`${this.at(key)}[${i}]: must be a non-empty string, got ${kind(item)} (not shown)`);
    });
    return out;
  }

  boolean(key: string): boolean | undefined {
    this.read.add(key);
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return void this.problems.push(`${this.at(key)}: must be true or false, got ${describe(value)}`);
    return value;
  }

  number(key: string, range?: { min: number; max: number }): number | undefined {
    this.read.add(key);
    const value = this.value[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return void this.problems.push(`${this.at(key)}: must be a number, got ${describe(value)}`);
    if (range && (value <= range.min || value > range.max)) return void this.problems.push(`${this.at(key)}: must be more than ${range.min} and at most ${range.max}, got ${value}`);
    return value;
  }

  /** A list of non-empty strings; absent reads as empty. */
  strings(key: string): string[] {
    const out: string[] = [];
    this.list(key).forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') this.problems.push(`${this.at(key)}[${i}]: must be a non-empty string, got ${describe(item)}`);
      else out.push(item.trim());
    });
    return out;
  }

  /** A mapping of strings to strings, keys as written. */
  stringMap(key: string, what: string): Record<string, string> {
    const section = this.section(key);
    const out: Record<string, string> = Object.create(null);
    for (const [name, item] of Object.entries(section.value)) {
      section.read.add(name);
      if (typeof item !== 'string' || item.trim() === '') this.problems.push(`${section.at(name)}: must be ${what}, got ${describe(item)}`);
      else out[name] = item.trim();
    }
    return out;
  }

  /** A mapping's values as text (numbers and booleans written plainly count), keys as written. */
  stringMapLoose(): Record<string, string> {
    const out: Record<string, string> = Object.create(null);
    for (const [name, item] of Object.entries(this.value)) {
      this.read.add(name);
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') out[name] = String(item);
      else this.problems.push(`${this.at(name)}: must be a value, got ${describe(item)}`);
    }
    return out;
  }

  /** Items of a list of mappings, each as a Section. */
  sections(key: string): Section[] {
    return this.list(key).map((item, i) => {
      if (!isObject(item)) this.problems.push(`${this.at(key)}[${i}]: must be a mapping, got ${describe(item)}`);
      const child = new Section(`${this.at(key)}[${i}]`, isObject(item) ? item : {}, this.problems);
      this.children.push(child);
      return child;
    });
  }

  private list(key: string): unknown[] {
    this.read.add(key);
    const value = this.value[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return void this.problems.push(`${this.at(key)}: must be a list, got ${describe(value)}`), [];
    return value;
  }

  /** The value as written, for fields of their own shape. */
  raw(key: string): unknown {
    this.read.add(key);
    return this.value[key];
  }

  problem(key: string, message: string): void {
    this.problems.push(`${key ? this.at(key) : this.path}: ${message}`);
  }

  /** Keys of this section and those below that nothing read, each with the known key it is closest to. */
  unknownKeys(): UnknownKey[] {
    const own = Object.keys(this.value)
      .filter((key) => !this.read.has(key))
      .map((key) => ({ path: this.at(key), suggestion: suggestion(key, this.read) }));
    return [...own, ...this.children.flatMap((child) => child.unknownKeys())];
  }
}

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return kind(value);
}
