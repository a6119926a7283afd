/**
 * Value conventions shared by helpers and the splice step.
 *
 * Helpers return plain data, except two wrappers that behave differently as a whole scalar and inside
 * text: `toYaml` returns a `YamlText` (the data as a whole scalar, its YAML text inside a string) and
 * `quote` returns a `QuotedText` (a string as a whole scalar, `"..."` inside a string).
 */
export class YamlText {
  constructor(
    readonly value: unknown,
    readonly text: string,
  ) {}
  toString(): string {
    return this.text;
  }
}

export class QuotedText {
  constructor(readonly value: string) {}
  get text(): string {
    return JSON.stringify(this.value);
  }
  toString(): string {
    return this.text;
  }
}

/** The data behind a helper result (wrappers unwrapped). */
export function dataOf(value: unknown): unknown {
  if (value instanceof YamlText) return value.value;
  if (value instanceof QuotedText) return value.value;
  return value;
}

/** The text of a scalar-like value, or undefined for null, undefined, maps and lists. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof YamlText || value instanceof QuotedText) return value.text;
  return undefined;
}

/** Names the kind of a value for messages: `a map`, `a list`, `null`, `no value`, `a string`, ... */
export function describe(value: unknown): string {
  const data = dataOf(value);
  if (data === undefined) return 'no value';
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a map';
  if (typeof data === 'number') return 'a number';
  if (typeof data === 'boolean') return 'a boolean';
  if (typeof data === 'string') return 'a string';
  return `a ${typeof data}`;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Handlebars `#if` truthiness: undefined, null, false, 0, NaN, '' and [] are false. */
export function truthy(value: unknown): boolean {
  const data = dataOf(value);
  if (Array.isArray(data)) return data.length > 0;
  return Boolean(data);
}

/** Structural equality of plain data. */
export function deepEqual(a: unknown, b: unknown): boolean {
  const x = dataOf(a);
  const y = dataOf(b);
  if (x === y) return true;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((item, i) => deepEqual(item, y[i]));
  }
  if (isMap(x) && isMap(y)) {
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    return keys.every((k) => Object.hasOwn(y, k) && deepEqual(x[k], y[k]));
  }
  return Number.isNaN(x) && Number.isNaN(y);
}

/** Sets an own property, even one named `__proto__` (or one `Object.prototype` has, frozen or not). */
export function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key in Object.prototype) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    // A plain assignment creates the same own, enumerable, writable, configurable property, faster.
    target[key] = value;
  }
}

/** A deep copy of plain data (maps and lists), so rendered output never aliases the input. */
export function cloneData(value: unknown): unknown {
  const data = dataOf(value);
  if (Array.isArray(data)) return data.map(cloneData);
  if (isMap(data)) {
    const proto: unknown = Object.getPrototypeOf(data);
    if (proto !== Object.prototype && proto !== null) return data;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(data)) defineKey(out, key, cloneData(data[key]));
    return out;
  }
  return data;
}
