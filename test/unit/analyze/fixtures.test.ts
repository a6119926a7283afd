/**
 * Every sample package under test/fixtures/packages is analysed and compared with its expected result
 * (test/unit/analyze/expected/<name>.json); every piece of evidence must point at a real line that holds
 * what the excerpt says.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../../engine/analyze/index.ts';
import type { AnalysisReport, Evidence } from '../../../engine/analyze/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../fixtures/packages');
const EXPECTED = path.join(here, 'expected');

interface ExpectedService {
  name: string;
  path: string;
  language: string | null;
  framework: string | null;
  port: number | null;
  startCommand: string | null;
  healthPath: string | null;
  dependencies: string[];
}

interface Expected {
  services: ExpectedService[];
  workspaces: { tool: string; path: string; members: string[] }[];
  problems: string[];
}

function summarize(r: AnalysisReport): Expected {
  return {
    services: r.services.map((s) => ({
      name: s.name,
      path: s.path,
      language: s.language?.value ?? null,
      framework: s.framework?.value ?? null,
      port: s.port?.value ?? null,
      startCommand: s.startCommand?.value ?? null,
      healthPath: s.healthPath?.value ?? null,
      dependencies: s.dependencies.map((d) => d.kind),
    })),
    workspaces: r.workspaces.map((w) => ({ tool: w.tool, path: w.path, members: w.members })),
    problems: r.problems
      .filter((p) => p.severity !== 'Normal')
      .map((p) => `${p.severity ?? 'Warning'}:${p.code}`),
  };
}

/** Every `{file, line}` object anywhere in the report. */
function allEvidence(v: unknown, out: Evidence[] = []): Evidence[] {
  if (Array.isArray(v)) for (const x of v) allEvidence(x, out);
  else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['file'] === 'string' && typeof o['line'] === 'number' && !('code' in o))
      out.push(o as unknown as Evidence);
    for (const x of Object.values(o)) allEvidence(x, out);
  }
  return out;
}

/** The excerpt's visible parts (around `***` masks and a trailing `…`) appear in order in the line. */
function excerptMatches(excerpt: string, line: string): boolean {
  let from = 0;
  for (const part of excerpt.replace(/…$/, '').split('***')) {
    const at = line.indexOf(part, from);
    if (at < 0) return false;
    from = at + part.length;
  }
  return true;
}

const names = readdirSync(FIXTURES).sort();

describe('analyze: sample packages', () => {
  it('has at least 16 sample packages, each with an expected result', () => {
    expect(names.length).to.be.at.least(16);
    expect(readdirSync(EXPECTED).sort()).to.deep.equal(names.map((n) => `${n}.json`));
  });

  for (const name of names) {
    describe(name, () => {
      let report: AnalysisReport;
      before(async () => {
        report = await analyze(path.join(FIXTURES, name));
      });

      it('matches the expected services, workspaces and problems', () => {
        const expected = JSON.parse(readFileSync(path.join(EXPECTED, `${name}.json`), 'utf8')) as Expected;
        expect(summarize(report)).to.deep.equal(expected);
      });

      it('backs every conclusion with evidence that points at a real line', () => {
        const evidence = allEvidence(report.services);
        expect(evidence.length).to.be.greaterThan(0);
        for (const e of evidence) {
          const lines = readFileSync(path.join(FIXTURES, name, e.file), 'utf8').split(/\r?\n/);
          expect(e.line, `${e.file}:${e.line}`).to.be.within(1, lines.length);
          if (e.excerpt !== undefined) {
            expect(
              excerptMatches(e.excerpt, lines[e.line - 1]!),
              `${e.file}:${e.line} "${e.excerpt}"`,
            ).to.equal(true);
          }
        }
        for (const s of report.services) {
          for (const fact of [s.language, s.framework, s.port, s.startCommand, s.healthPath]) {
            if (fact) expect(fact.evidence, `${s.name}: ${String(fact.value)}`).to.not.be.empty;
          }
          for (const d of s.dependencies) expect(d.evidence, `${s.name}: ${d.kind}`).to.not.be.empty;
        }
      });
    });
  }
});
