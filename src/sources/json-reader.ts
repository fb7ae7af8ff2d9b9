import { PayloadError } from '../errors';

type Obj = Record<string, unknown>;

const MAX_ID_LENGTH = 128;
const ID = /^[^\s/\\\u0000-\u001f\u007f]+$/;

/**
 * Reads fields of untrusted JSON by path. A field of the wrong type is a PayloadError naming its path;
 * only own properties are read, so keys such as `__proto__` cannot reach the prototype.
 */
export class JsonReader {
  constructor(
    private readonly value: Obj,
    readonly path: string,
  ) {}

  static root(value: unknown, path: string): JsonReader {
    if (!isObject(value)) throw new PayloadError(`${path || 'body'}: must be a JSON object, got ${describe(value)}`);
    return new JsonReader(value, path);
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.value, key) && this.value[key] !== undefined && this.value[key] !== null;
  }

  /** The object's own keys. */
  keys(): string[] {
    return Object.keys(this.value);
  }

  raw(key: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.value, key) ? this.value[key] : undefined;
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw new PayloadError(`${this.at(key)}: required${this.has(key) ? ' (empty)' : ''}`);
    return value;
  }

  /** An identifier: required, at most 128 characters, no spaces, slashes or control characters. */
  id(key: string): string {
    const value = this.string(key);
    if (value.length > MAX_ID_LENGTH) throw new PayloadError(`${this.at(key)}: longer than ${MAX_ID_LENGTH} characters, not an id`);
    if (!ID.test(value)) throw new PayloadError(`${this.at(key)}: not an id (it holds spaces, slashes or control characters): "${truncate(value)}"`);
    return value;
  }

  /** An optional identifier (a string or a number), checked as `id`. */
  optionalId(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.optionalText(key);
    if (value === undefined) return undefined;
    if (value.length > MAX_ID_LENGTH || !ID.test(value)) throw new PayloadError(`${this.at(key)}: not an id: "${truncate(value)}"`);
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new PayloadError(`${this.at(key)}: must be a string, got ${describe(value)}`);
    return value === '' ? undefined : value;
  }

  /** A string or a number (PagerDuty's ids and numbers vary between the two). */
  optionalText(key: string): string | undefined {
    const value = this.raw(key);
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return this.optionalString(key);
  }

  optionalNumber(key: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new PayloadError(`${this.at(key)}: must be a number, got ${describe(value)}`);
    return value;
  }

  object(key: string): JsonReader {
    const value = this.optionalObject(key);
    if (!value) throw new PayloadError(`${this.at(key)}: required`);
    return value;
  }

  optionalObject(key: string): JsonReader | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) throw new PayloadError(`${this.at(key)}: must be an object, got ${describe(value)}`);
    return new JsonReader(value, this.at(key));
  }

  /** Items of an array of objects; absent or null reads as empty. */
  objects(key: string): JsonReader[] {
    const value = this.raw(key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new PayloadError(`${this.at(key)}: must be a list, got ${describe(value)}`);
    return value.map((item, i) => {
      if (!isObject(item)) throw new PayloadError(`${this.at(key)}[${i}]: must be an object, got ${describe(item)}`);
      return new JsonReader(item, `${this.at(key)}[${i}]`);
    });
  }

  /** A timestamp normalised to ISO 8601 UTC; PagerDuty mixes `Z`, `+00:00` and `-08:00`. */
  optionalTime(key: string): string | undefined {
    const text = this.optionalString(key);
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(ms)) throw new PayloadError(`${this.at(key)}: not an ISO 8601 time: "${truncate(text)}"`);
    return new Date(ms).toISOString();
  }
}

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string "${truncate(value)}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function truncate(text: string): string {
  const clean = text.replace(/[\u0000-\u001f]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
