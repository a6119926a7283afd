import { createHash } from 'node:crypto';
import { HelperError } from '../errors.ts';
import { integerArg, textArg } from './args.ts';
import type { HelperDef } from './types.ts';
import { QuotedText, dataOf } from './values.ts';

/** Widest `indent`/`nindent`: a width from a claim must not allocate gigabytes of spaces. */
export const MAX_INDENT = 1000;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function indentLines(text: string, width: number): string {
  const pad = ' '.repeat(width);
  return pad + text.replaceAll('\n', `\n${pad}`);
}

/** Lowercase, `[a-z0-9-]` only, no leading/trailing `-`, at most 63 characters (RFC 1123 label). */
export function dnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (label === '') throw new HelperError(`${JSON.stringify(text)} has no character allowed in a DNS label`);
  return label;
}

export const textHelpers: readonly HelperDef[] = [
  { name: 'lower', min: 1, max: 1, usage: 'lower <text>', fn: (a) => textArg(a, 0).toLowerCase() },
  { name: 'upper', min: 1, max: 1, usage: 'upper <text>', fn: (a) => textArg(a, 0).toUpperCase() },
  { name: 'trim', min: 1, max: 1, usage: 'trim <text>', fn: (a) => textArg(a, 0).trim() },
  {
    name: 'trunc',
    min: 2,
    max: 2,
    usage: 'trunc <text> <length>',
    fn: (a) => Array.from(textArg(a, 0)).slice(0, integerArg(a, 1)).join(''),
  },
  {
    name: 'replace',
    min: 3,
    max: 3,
    usage: 'replace <text> <old> <new>',
    fn: (a) => {
      const old = textArg(a, 1);
      if (old === '') throw new HelperError('argument 2 must not be empty');
      return textArg(a, 0).replaceAll(old, textArg(a, 2));
    },
  },
  {
    name: 'indent',
    min: 2,
    max: 2,
    usage: 'indent <text> <width>',
    fn: (a) => indentLines(textArg(a, 0), integerArg(a, 1, 0, MAX_INDENT)),
  },
  {
    name: 'nindent',
    min: 2,
    max: 2,
    usage: 'nindent <text> <width>',
    fn: (a) => `\n${indentLines(textArg(a, 0), integerArg(a, 1, 0, MAX_INDENT))}`,
  },
  {
    name: 'quote',
    min: 1,
    max: 1,
    usage: 'quote <value>',
    fn: (a) => {
      const value = dataOf(a[0]);
      return new QuotedText(typeof value === 'string' ? value : textArg(a, 0));
    },
  },
  {
    name: 'b64enc',
    min: 1,
    max: 1,
    usage: 'b64enc <text>',
    fn: (a) => Buffer.from(textArg(a, 0), 'utf8').toString('base64'),
  },
  {
    name: 'b64dec',
    min: 1,
    max: 1,
    usage: 'b64dec <base64>',
    fn: (a) => {
      const encoded = textArg(a, 0);
      if (!BASE64.test(encoded)) throw new HelperError('argument 1 is not valid base64');
      return Buffer.from(encoded, 'base64').toString('utf8');
    },
  },
  {
    name: 'sha256',
    min: 1,
    max: 1,
    usage: 'sha256 <text>',
    fn: (a) => createHash('sha256').update(textArg(a, 0), 'utf8').digest('hex'),
  },
  { name: 'dnsLabel', min: 1, max: 1, usage: 'dnsLabel <text>', fn: (a) => dnsLabel(textArg(a, 0)) },
];
