import type { CliIo } from './context.ts';

/** Minimal ANSI styling; every function is the identity when colour is off. */
export interface Style {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain: Style = { red: id, yellow: id, green: id, bold: id, dim: id };

const ansi: Style = {
  red: (t) => wrap(31, 39, t),
  yellow: (t) => wrap(33, 39, t),
  green: (t) => wrap(32, 39, t),
  bold: (t) => wrap(1, 22, t),
  dim: (t) => wrap(2, 22, t),
};

/**
 * Colour is used only when the terminal can show it, `NO_COLOR` (https://no-color.org) is unset or empty,
 * and `--no-color` was not given.
 */
export function styleFor(io: CliIo, colorFlag: boolean): Style {
  const noColorEnv = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return io.colorCapable && colorFlag && !noColorEnv ? ansi : plain;
}

function id(text: string): string {
  return text;
}

function wrap(open: number, close: number, text: string): string {
  return `\u001b[${open}m${text}\u001b[${close}m`;
}
