/**
 * Golden claims (`kubify init` output) of every sample package, each rendered with the packs to prove it
 * validates: a claim that does not render fails the test. Update with `npm run golden:update` after
 * reviewing the change; never by hand.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { analyze } from '../../../engine/analyze/index.ts';
import {
  claimProblemLine,
  formatClaimsFile,
  generateClaims,
  validateClaims,
} from '../../../engine/analyze/claims/index.ts';
import { FIXTURES, claimPacks } from './claims-support.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const GOLDEN = path.join(here, 'claims-golden');
const UPDATE = process.env['KUBIFY_UPDATE_GOLDEN'] === '1';
/** Fixtures whose analysis is fatal: their golden file explains why there are no claims. */
const FATAL = new Set(['compose-broken']);

describe('analyze: golden claims', () => {
  for (const name of readdirSync(FIXTURES).sort()) {
    it(`${name}: claims${FATAL.has(name) ? ' refused' : ', rendered with the packs'}`, async () => {
      const report = await analyze(path.join(FIXTURES, name));
      const set = generateClaims(report, { source: name });
      const text = formatClaimsFile(set, name);
      const target = path.join(GOLDEN, `${name}.yaml`);
      if (UPDATE) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(target, text);
      } else {
        expect(existsSync(target), `${name}.yaml is missing: run npm run golden:update`).to.equal(true);
        expect(text).to.equal(readFileSync(target, 'utf8'));
      }
      if (FATAL.has(name)) {
        expect(set.claims).to.deep.equal([]);
        expect(set.errors).to.have.length(1);
        return;
      }
      expect(set.errors).to.deep.equal([]);
      // The file as a user would apply it: every document is a claim, and every claim renders.
      const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
      expect(docs).to.have.length(set.claims.length);
      const apps = docs.filter((d) => d.kind === 'App');
      expect(apps.length, 'one App per service').to.equal(report.services.length);
      const { problems, rendered } = validateClaims(docs, await claimPacks());
      expect(problems.map(claimProblemLine)).to.deep.equal([]);
      expect(rendered).to.be.greaterThan(apps.length);
    });
  }
});
