/**
 * `kubify trace` output for a healthy, a pending and a failed claim, compared with golden files.
 * Update them with `npm run golden:update` (KUBIFY_UPDATE_GOLDEN=1) after an intended change.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTrace, TRACE_FORMATS } from '../../../engine/cli/lib/trace-format.ts';
import { buildTrace } from '../../../engine/cli/lib/trace-tree.ts';
import { failedClaim, healthyClaim, pendingClaim } from './trace-fixtures.ts';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const EXT = { table: 'txt', wide: 'wide.txt', json: 'json', yaml: 'yaml', dot: 'dot' } as const;

function golden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (process.env.KUBIFY_UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(actual, `${file} (update with npm run golden:update)`).to.equal(readFileSync(path, 'utf8'));
}

describe('kubify trace: golden output', () => {
  const cases = { healthy: healthyClaim, pending: pendingClaim, failed: failedClaim };
  for (const [name, build] of Object.entries(cases)) {
    for (const format of TRACE_FORMATS) {
      it(`${name} claim, -o ${format}`, () => {
        golden(`trace-${name}.${EXT[format]}`, formatTrace(buildTrace(build()), format));
      });
    }
  }

  it('a healthy claim blocks on nothing; a pending one on its deepest unready objects', () => {
    expect(buildTrace(healthyClaim()).blocking).to.deep.equal([]);
    const pending = buildTrace(pendingClaim()).blocking.map((n) => `${n.kind}/${n.name}`);
    expect(pending).to.deep.equal(['Cluster/shop-db', 'Service/shop-web', 'Pod/shop-web-7d9f8-fghij']);
  });

  it('a failed claim names the resource whose apply failed, and marks it not synced', () => {
    const trace = buildTrace(failedClaim());
    expect(trace.root.synced).to.equal('False');
    const web = trace.root.children.find((c) => c.resourceId === 'web');
    expect(web).to.deep.include({ synced: 'False', ready: 'False' });
    expect(trace.blocking.map((n) => n.resourceId)).to.deep.equal(['web']);
  });

  it('lists composed objects the status does not know yet, after the inventory', () => {
    const input = healthyClaim();
    const extra = {
      ...input.composed[1]!,
      metadata: {
        ...input.composed[1]!.metadata,
        name: 'shop-extra',
        labels: { 'kubify.io/resource-id': 'extra' },
      },
    };
    const trace = buildTrace({ ...input, composed: [...input.composed, extra] });
    expect(trace.root.children.map((c) => c.resourceId)).to.deep.equal(['db', 'service', 'web', 'extra']);
    expect(trace.root.children[3]?.synced).to.equal('Unknown');
  });
});
