/**
 * Every case of the generated bad-input corpus (test/support/bad-input/corpus.ts) through `kubify validate`
 * (in-process), and the Compositions also through the admission webhook's check: each is refused with an
 * error that names the file and line or the field path, carries the expected code and a short, specific
 * message — never a crash, a stack overflow, a hang or a message that echoes MiB of input. The webhook's
 * denial is exactly validate's output without its `file:line:col: ` prefix.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  denialMessage,
  compositionProblems,
  MAX_LISTED_PROBLEMS,
} from '../../../engine/controller/webhook/admission.ts';
import {
  badInputCorpus,
  CATEGORIES,
  countByCategory,
  PACKS_DIR,
  type BadCase,
} from '../../support/bad-input/corpus.ts';
import { runKubify } from './run-cli.ts';

const corpus = await badInputCorpus();
/** Longest problem line accepted: a message must not quote MiB of input back. */
const MAX_LINE = 1000;
const VAGUE = /Maximum call stack|RangeError|TypeError|\[object Object\]|\bundefined\b|\bNaN\b|at .*\.ts:\d+/;
const LINE =
  /^(?<file>[^:]+):(?:(?<line>\d+):(?<column>\d+):)? (?:(?<path>[^\s:][^:]*): )?(?<message>.+) \((?<code>[a-zA-Z][-a-zA-Z0-9.]*)\)$/s;

interface Validated {
  code: number;
  file: string;
  errors: Parsed[];
  warnings: Parsed[];
  stdout: string;
}

interface Parsed {
  file: string;
  line?: number;
  path?: string;
  message: string;
  code: string;
  text: string;
}

function parseLine(text: string): Parsed | undefined {
  const m = LINE.exec(text);
  if (!m?.groups) return undefined;
  const g = m.groups;
  return {
    file: g.file ?? '',
    ...(g.line ? { line: Number(g.line) } : {}),
    ...(g.path ? { path: g.path } : {}),
    message: g.message ?? '',
    code: g.code ?? '',
    text,
  };
}

describe('bad input: the generated corpus through kubify validate and the webhook check', function () {
  this.timeout(60_000);
  let dir: string;
  const env = (): Record<string, string> => ({ KUBIFY_COMPOSITIONS: `${join(dir, 'packs')}:${PACKS_DIR}` });

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'kubify-bad-input-'));
    const written = new Set<string>();
    for (const c of corpus) {
      const name = (c.composition?.metadata as { name?: string } | undefined)?.name;
      if (!c.composition || !name || written.has(name)) continue;
      if (
        !c.composition.spec ||
        !String((c.composition.metadata as { name: string }).name).match(/^(seed|missing)/)
      )
        continue;
      written.add(name);
      mkdirSync(join(dir, 'packs', name), { recursive: true });
      writeFileSync(join(dir, 'packs', name, 'composition.yaml'), stringify(c.composition));
    }
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it(`holds at least 200 cases, every category present`, function () {
    const counts = countByCategory(corpus);
    expect(corpus.length).to.be.at.least(200);
    for (const category of CATEGORIES) expect(counts[category], category).to.be.at.least(3);
  });

  for (const category of CATEGORIES) {
    describe(category, function () {
      for (const c of corpus.filter((x) => x.category === category)) {
        it(`${c.id} (${c.target})`, async function () {
          await checkValidate(c);
          if (c.target === 'composition' && c.object) checkWebhook(c);
        });
      }
    });
  }

  const validated = new Map<string, Validated>();

  async function validate(c: BadCase): Promise<Validated> {
    const done = validated.get(c.id);
    if (done) return done;
    const file = join(dir, `${c.id}.yaml`);
    writeFileSync(file, c.text);
    const run = await runKubify(['validate', file], { env: env() });
    expect(run.stderr, `${c.id}: stderr`).to.equal('');
    const lines = run.stdout.split('\n').filter((l) => l.startsWith(`${file}:`));
    const errors = lines.map((l) => parseLine(l)).filter((p): p is Parsed => p !== undefined);
    expect(
      errors.length,
      `${c.id}: every problem line has the file:line:col: path: message (code) shape\n${run.stdout.slice(0, 2000)}`,
    ).to.equal(lines.length);
    const notError = (e: Parsed): boolean => /^(warning|note): /.test(e.message);
    const result: Validated = {
      code: run.code,
      file,
      errors: errors.filter((e) => !notError(e)),
      warnings: errors.filter(notError),
      stdout: run.stdout,
    };
    validated.set(c.id, result);
    return result;
  }

  async function checkValidate(c: BadCase): Promise<void> {
    const { code, file, errors, warnings, stdout } = await validate(c);
    const shown = stdout.slice(0, 3000);
    if (c.clusterOnly) {
      expect(code, `${c.id}: only a cluster can tell; validate passes\n${shown}`).to.equal(0);
      return;
    }
    if (c.severity === 'Warning') {
      expect(code, `${c.id}: warnings only\n${shown}`).to.equal(0);
      expect(
        warnings.map((w) => w.code),
        `${c.id}: warns ${String(c.code)}`,
      ).to.satisfy((codes: string[]) => codes.some((x) => c.code.test(x)));
      for (const w of warnings) expect(w.text.length, c.id).to.be.at.most(MAX_LINE);
      return;
    }
    expect(code, `${c.id}: exit code\n${shown}`).to.equal(1);
    expect(errors, `${c.id}: at least one error\n${shown}`).to.not.be.empty;
    expect(
      errors.map((e) => e.code),
      `${c.id}: expected code ${String(c.code)}\n${shown}`,
    ).to.satisfy((codes: string[]) => codes.some((x) => c.code.test(x)));
    for (const e of errors) {
      expect(e.file, c.id).to.equal(file);
      expect(
        e.line !== undefined || (e.path ?? '') !== '',
        `${c.id}: names a line or a field path: ${e.text.slice(0, 300)}`,
      ).to.equal(true);
      expect(e.message.trim(), `${c.id}: message`).to.not.equal('');
      expect(e.text.length, `${c.id}: short line: ${e.text.slice(0, 300)}...`).to.be.at.most(MAX_LINE);
      expect(e.text, `${c.id}: specific message`).to.not.match(VAGUE);
    }
  }

  function checkWebhook(c: BadCase): void {
    const problems = compositionProblems(c.object);
    const message = denialMessage(problems);
    expect(message, `${c.id}: the webhook denies`).to.not.equal('');
    expect(message, c.id).to.not.match(VAGUE);
    for (const line of message.split('\n'))
      expect(line.length, `${c.id}: ${line.slice(0, 200)}`).to.be.at.most(MAX_LINE);
  }

  describe('webhook denial = kubify validate without file:line:col', function () {
    for (const c of corpus.filter((x) => x.target === 'composition' && x.object && !x.clusterOnly)) {
      it(c.id, async function () {
        const { errors } = await validate(c);
        const expected = errors
          .map((e) => e.text.slice(e.file.length + 1).replace(/^(\d+:\d+: | )/, ''))
          .sort();
        const listed = expected.slice(0, MAX_LISTED_PROBLEMS);
        if (expected.length > MAX_LISTED_PROBLEMS)
          listed.push(
            `... and ${expected.length - MAX_LISTED_PROBLEMS} more (run kubify validate on the file to see them all)`,
          );
        expect(denialMessage(compositionProblems(c.object))).to.equal(listed.join('\n'));
      });
    }
  });
});
