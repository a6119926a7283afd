/**
 * Golden output of `formatReport` (every sample package) and `reportToJson` (a few). Update with
 * `npm run golden:update` after reviewing the change; never by hand.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, formatReport, reportToJson } from '../../../engine/analyze/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../../fixtures/packages');
const GOLDEN = path.join(here, 'golden');
const UPDATE = process.env['KUBIFY_UPDATE_GOLDEN'] === '1';
const JSON_GOLDEN = new Set(['compose-multi', 'dockerfile-app', 'monorepo']);

function compare(file: string, actual: string): void {
  const target = path.join(GOLDEN, file);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(target, actual);
    return;
  }
  expect(existsSync(target), `${file} is missing: run npm run golden:update`).to.equal(true);
  expect(actual).to.equal(readFileSync(target, 'utf8'));
}

describe('analyze: golden reports', () => {
  for (const name of readdirSync(FIXTURES).sort()) {
    it(`${name}: human report${JSON_GOLDEN.has(name) ? ' and JSON' : ''}`, async () => {
      // The root as the user would type it, so the output does not depend on where the repo lives.
      const report = { ...(await analyze(path.join(FIXTURES, name))), root: name };
      compare(`${name}.txt`, formatReport(report));
      if (JSON_GOLDEN.has(name)) compare(`${name}.json.golden`, reportToJson(report));
    });
  }

  it('produces the same JSON on every run, with sorted keys', async () => {
    const a = reportToJson(await analyze(path.join(FIXTURES, 'compose-multi')));
    const b = reportToJson(await analyze(path.join(FIXTURES, 'compose-multi')));
    expect(a).to.equal(b);
    const check = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(check);
      else if (v !== null && typeof v === 'object') {
        const keys = Object.keys(v);
        expect(keys).to.deep.equal([...keys].sort());
        Object.values(v).forEach(check);
      }
    };
    check(JSON.parse(a));
  });

  it('aligns the summary table', () => {
    const text = formatReport({
      root: 'demo',
      workspaces: [],
      problems: [
        {
          code: 'analyze.port.conflict',
          message: 'two ports',
          path: '',
          file: 'a.js',
          line: 3,
          severity: 'Warning',
        },
      ],
      services: [
        { name: 'a', path: 'services/a', env: [], dependencies: [], processes: [] },
        {
          name: 'long-name',
          path: '.',
          port: { value: 8080, confidence: 'high', reason: 'r', evidence: [{ file: 'Dockerfile', line: 4 }] },
          env: [],
          dependencies: [],
          processes: [],
        },
      ],
    });
    const lines = text.split('\n');
    expect(lines[0]).to.equal('Analysis of demo: 2 services');
    const header = lines[2]!;
    const row = lines[4]!;
    expect(row.indexOf('.')).to.equal(header.indexOf('PATH'));
    expect(row.indexOf('8080')).to.equal(header.indexOf('PORT'));
    expect(text).to.contain('  port  8080  high  Dockerfile:4  r');
    expect(text).to.contain('Warning  a.js:3: two ports (analyze.port.conflict)');
  });
});
