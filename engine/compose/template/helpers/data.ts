import { stringify } from 'yaml';
import { HelperError } from '../errors.ts';
import { listArg, mapArg, textArg, valueArg } from './args.ts';
import type { HelperDef } from './types.ts';
import { YamlText, cloneData, dataOf, defineKey, describe, isMap, textOf } from './values.ts';

function toYaml(args: readonly unknown[]): YamlText {
  const value = cloneData(valueArg(args, 0));
  const text = stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  return new YamlText(value, text.endsWith('\n') ? text.slice(0, -1) : text);
}

function toJson(args: readonly unknown[]): string {
  const value = valueArg(args, 0);
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new HelperError(`cannot serialize argument 1: ${(err as Error).message}`);
  }
}

function dict(args: readonly unknown[], hash: Record<string, unknown>): Record<string, unknown> {
  if (args.length % 2 !== 0) throw new HelperError('takes key/value pairs: the last key has no value');
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown): void => {
    if (Object.hasOwn(out, key)) throw new HelperError(`key ${JSON.stringify(key)} is given twice`);
    defineKey(out, key, cloneData(value));
  };
  for (let i = 0; i < args.length; i += 2) put(textArg(args, i), args[i + 1]);
  for (const key of Object.keys(hash)) put(key, hash[key]);
  return out;
}

function concat(args: readonly unknown[]): unknown {
  const values = args.map(dataOf);
  if (values.every(Array.isArray)) return values.flat(1).map(cloneData);
  const texts = args.map(textOf);
  if (texts.every((t) => t !== undefined)) return texts.join('');
  throw new HelperError(`takes only lists or only text, got ${args.map(describe).join(', ')}`);
}

function toInt(args: readonly unknown[]): number {
  const value = valueArg(args, 0);
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new HelperError(`cannot convert ${JSON.stringify(value) ?? describe(value)} to an integer`);
  }
  return Math.trunc(n);
}

function len(args: readonly unknown[]): number {
  const value = valueArg(args, 0);
  if (typeof value === 'string') return Array.from(value).length;
  if (Array.isArray(value)) return value.length;
  if (isMap(value)) return Object.keys(value).length;
  throw new HelperError(`argument 1 must be text, a list or a map, got ${describe(value)}`);
}

function lookup(args: readonly unknown[]): unknown {
  const container = valueArg(args, 0);
  const key = textArg(args, 1);
  if (Array.isArray(container) || isMap(container)) {
    return Object.hasOwn(container, key) ? (container as Record<string, unknown>)[key] : undefined;
  }
  throw new HelperError(`argument 1 must be a list or a map, got ${describe(container)}`);
}

function join(args: readonly unknown[]): string {
  const items = listArg(args, 0);
  const separator = args.length > 1 ? textArg(args, 1) : ',';
  return items
    .map((item, i) => {
      const text = textOf(item);
      if (text === undefined) throw new HelperError(`item ${i} of the list is ${describe(item)}, not text`);
      return text;
    })
    .join(separator);
}

export const dataHelpers: readonly HelperDef[] = [
  { name: 'toYaml', min: 1, max: 1, usage: 'toYaml <value>', fn: toYaml },
  { name: 'toJson', min: 1, max: 1, usage: 'toJson <value>', fn: toJson },
  { name: 'list', min: 0, max: Infinity, usage: 'list <item> ...', fn: (a) => a.map(cloneData) },
  {
    name: 'dict',
    min: 0,
    max: Infinity,
    usage: 'dict <key> <value> ... [key=value ...]',
    hash: 'any',
    fn: (a, c) => dict(a, c.hash),
  },
  { name: 'concat', min: 1, max: Infinity, usage: 'concat <list|text> ...', fn: concat },
  { name: 'int', min: 1, max: 1, usage: 'int <value>', fn: toInt },
  {
    name: 'hasKey',
    min: 2,
    max: 2,
    usage: 'hasKey <map> <key>',
    fn: (a) => Object.hasOwn(mapArg(a, 0), textArg(a, 1)),
  },
  { name: 'len', min: 1, max: 1, usage: 'len <text|list|map>', fn: len },
  { name: 'lookup', min: 2, max: 2, usage: 'lookup <map|list> <key>', fn: lookup },
  { name: 'join', min: 1, max: 2, usage: 'join <list> [separator]', fn: join },
];
