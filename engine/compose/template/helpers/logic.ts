import { HelperError } from '../errors.ts';
import { valueArg } from './args.ts';
import type { HelperCall, HelperDef } from './types.ts';
import { dataOf, deepEqual, describe, truthy } from './values.ts';

function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

type Comparison = (order: number) => boolean;

function compare(args: readonly unknown[], test: Comparison): boolean {
  const a = valueArg(args, 0);
  const b = valueArg(args, 1);
  if (typeof a === 'number' && typeof b === 'number') return test(a - b);
  if (typeof a === 'string' && typeof b === 'string') return test(a < b ? -1 : a > b ? 1 : 0);
  throw new HelperError(`can only compare two numbers or two strings, got ${describe(a)} and ${describe(b)}`);
}

function required(args: readonly unknown[], call: HelperCall): unknown {
  const value = dataOf(args[0]);
  if (!isUnset(value)) return args[0];
  const message = args[1];
  if (message !== undefined && typeof message !== 'string') throw new HelperError('argument 2 must be text');
  return call.missing(0, message);
}

export const logicHelpers: readonly HelperDef[] = [
  {
    name: 'default',
    min: 2,
    max: 2,
    usage: 'default <value> <fallback>',
    tolerant: 1,
    fn: (a) => (isUnset(dataOf(a[0])) ? a[1] : a[0]),
  },
  { name: 'required', min: 1, max: 2, usage: 'required <value> [message]', tolerant: 1, fn: required },
  { name: 'eq', min: 2, max: 2, usage: 'eq <a> <b>', tolerant: 'all', fn: (a) => deepEqual(a[0], a[1]) },
  { name: 'ne', min: 2, max: 2, usage: 'ne <a> <b>', tolerant: 'all', fn: (a) => !deepEqual(a[0], a[1]) },
  { name: 'lt', min: 2, max: 2, usage: 'lt <a> <b>', fn: (a) => compare(a, (o) => o < 0) },
  { name: 'le', min: 2, max: 2, usage: 'le <a> <b>', fn: (a) => compare(a, (o) => o <= 0) },
  { name: 'gt', min: 2, max: 2, usage: 'gt <a> <b>', fn: (a) => compare(a, (o) => o > 0) },
  { name: 'ge', min: 2, max: 2, usage: 'ge <a> <b>', fn: (a) => compare(a, (o) => o >= 0) },
  {
    name: 'and',
    min: 2,
    max: Infinity,
    usage: 'and <a> <b> ...',
    tolerant: 'all',
    fn: (a) => a.every(truthy),
  },
  { name: 'or', min: 2, max: Infinity, usage: 'or <a> <b> ...', tolerant: 'all', fn: (a) => a.some(truthy) },
  { name: 'not', min: 1, max: 1, usage: 'not <value>', tolerant: 'all', fn: (a) => !truthy(a[0]) },
];
