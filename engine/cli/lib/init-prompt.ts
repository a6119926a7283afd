/**
 * Questions `kubify init` asks on a terminal about what the analysis could not settle (a missing or
 * low-confidence port, the image registry). Each has a default; Enter accepts it.
 */
import { createInterface } from 'node:readline/promises';
import type { AnalysisReport } from '../../analyze/index.ts';
import type { CliIo } from '../context.ts';
import { parsePort } from './init-source.ts';

export interface Prompter {
  /** Asks `question`; resolves to the answer, or `fallback` for an empty one. */
  ask(question: string, fallback: string): Promise<string>;
  close(): void;
}

/** A CliIo that may bring its own prompter (tests do). */
export interface InteractiveIo extends CliIo {
  prompter?: Prompter;
}

/** The prompter to use: the io's own, else the terminal when stdin and stderr are terminals, else none. */
export function prompterFor(io: InteractiveIo, yes: boolean): Prompter | undefined {
  if (yes) return undefined;
  if (io.prompter) return io.prompter;
  if (!io.colorCapable || process.stdin.isTTY !== true || process.stderr.isTTY !== true) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return {
    async ask(question, fallback) {
      const answer = (await rl.question(`${question} [${fallback}]: `)).trim();
      return answer === '' ? fallback : answer;
    },
    close: () => rl.close(),
  };
}

/** Services whose port is unknown or only a low-confidence guess, and that `--port` does not settle. */
export function uncertainPorts(report: AnalysisReport, given: Readonly<Record<string, unknown>>): string[] {
  return report.services
    .filter((s) => !(s.name in given) && (s.port === undefined || s.port.confidence === 'low'))
    .map((s) => s.name);
}

/** Asks for each uncertain port until the answer is a port or `none`. */
export async function askPorts(
  prompter: Prompter,
  report: AnalysisReport,
  names: readonly string[],
): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const name of names) {
    const s = report.services.find((x) => x.name === name);
    const guess = s?.port ? String(s.port.value) : 'none';
    const why = s?.port ? `analysis guessed ${guess} (${s.port.reason})` : 'no listening port found';
    for (;;) {
      const answer = await prompter.ask(
        `${name}: port it listens on, or "none" for a worker (${why})`,
        guess,
      );
      const port = parsePort(answer);
      if (port !== undefined) {
        out[name] = port;
        break;
      }
    }
  }
  return out;
}

/** Asks for the registry of built images until the answer looks like `host[:port]/repository`. */
export async function askRegistry(prompter: Prompter, fallback: string): Promise<string> {
  for (;;) {
    const answer = await prompter.ask('registry to push built images to (host[:port]/repository)', fallback);
    if (isRegistry(answer)) return answer.replace(/\/+$/, '');
  }
}

export function isRegistry(text: string): boolean {
  return /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?\/[a-z0-9._/-]+$/.test(text);
}
