/**
 * `reassess` stands in for a second render in the operator: for every composition `isReassessable`
 * accepts, it must equal a render with the new observations, on every pack example and the bench App,
 * whatever has been observed (nothing, part, all of it, the examples' recorded objects).
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseClaim } from '../../../engine/cli/lib/claim-file.ts';
import { parseObserved } from '../../../engine/cli/lib/observed-file.ts';
import {
  compile,
  isReassessable,
  reassess,
  render,
  type CompiledComposition,
} from '../../../engine/compose/index.ts';
import type { KubeObject } from '../../../engine/kube/index.ts';
import { readPack } from '../../../engine/packs/index.ts';
import { appClaim, appComposition } from '../../bench/app-composition.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';

const NOW = '2025-01-01T00:00:00Z';

interface Case {
  name: string;
  compiled: CompiledComposition;
  claim: KubeObject;
  recorded?: Record<string, unknown>;
}

function compiledOf(object: unknown, file: string): CompiledComposition {
  const result = compile({ object: object as KubeObject, file });
  if (!result.compiled) throw new Error(`${file}: ${JSON.stringify(result.problems[0])}`);
  return result.compiled;
}

async function packCases(): Promise<Case[]> {
  const root = join(REPO_ROOT, 'compositions');
  const cases: Case[] = [];
  for (const pack of readdirSync(root).sort()) {
    const dir = join(root, pack);
    if (!existsSync(join(dir, 'composition.yaml'))) continue;
    const result = compile(await readPack(dir));
    if (!result.compiled) throw new Error(`pack ${pack} does not compile`);
    const compiled = result.compiled;
    const examples = join(dir, 'examples');
    for (const file of existsSync(examples) ? readdirSync(examples).filter((f) => /\.ya?ml$/.test(f)) : []) {
      const parsed = parseClaim(readFileSync(join(examples, file), 'utf8'), file);
      if (!parsed.claim) throw new Error(`${pack}/examples/${file} does not parse`);
      const observedFile = join(examples, 'observed', file);
      const recorded = existsSync(observedFile)
        ? parseObserved(
            readFileSync(observedFile, 'utf8'),
            file,
            compiled.resources.map((r) => r.id),
          ).observed
        : undefined;
      cases.push({
        name: `${pack}/${file}`,
        compiled,
        claim: parsed.claim.value as KubeObject,
        ...(recorded ? { recorded } : {}),
      });
    }
  }
  return cases;
}

/** What a reconcile may have seen after its first apply: the objects it applied, some or all. */
function observations(c: Case, applied: Record<string, unknown>): [string, Record<string, unknown>][] {
  const ids = Object.keys(applied);
  const out: [string, Record<string, unknown>][] = [
    ['nothing', {}],
    ['everything applied', applied],
    ['the first object applied', ids.length ? { [ids[0]!]: applied[ids[0]!] } : {}],
  ];
  if (c.recorded) out.push(['the recorded objects', c.recorded]);
  return out;
}

describe('reassess: readiness judged again without a second render', () => {
  let cases: Case[] = [];
  before(async function () {
    this.timeout(60_000);
    cases = await packCases();
    const bench = appClaim('bench', 7);
    bench.metadata.uid = '00000000-0000-4000-8000-000000000007';
    cases.push({ name: 'bench App', compiled: compiledOf(appComposition(), 'bench-app'), claim: bench });
  });

  it('equals a render with the same observations, for every composition that qualifies', () => {
    let compared = 0;
    const packs = new Set<string>();
    for (const c of cases) {
      if (!isReassessable(c.compiled)) continue;
      packs.add(c.name.split('/')[0]!);
      const input = { claim: c.claim, compiled: c.compiled, revision: 3, now: NOW };
      const first = render(input);
      const applied = Object.fromEntries(first.desired.map((d) => [d.id, d.object]));
      for (const [what, observed] of observations(c, applied)) {
        const again = render({ ...input, observed });
        expect(reassess(first, { ...input, observed }), `${c.name}, having observed ${what}`).to.deep.equal(
          again,
        );
        compared++;
      }
    }
    // packs with status fields read from observed objects, and the bench App without any
    expect([...packs].sort()).to.deep.equal(['bench App', 'build', 'redis']);
    expect(compared).to.be.greaterThan(10);
  });

  it('turns readiness from NotFound to Ready once the applied objects are observed (bench App)', () => {
    const c = cases.find((x) => x.name === 'bench App')!;
    const input = { claim: c.claim, compiled: c.compiled, revision: 1, now: NOW };
    const first = render(input);
    expect(first.ready.status).to.equal('False');
    const applied = Object.fromEntries(first.desired.map((d) => [d.id, d.object]));
    const judged = reassess(first, { ...input, observed: applied });
    expect(judged.ready.status).to.equal('True');
    expect(judged.resources.map((r) => r.reason)).to.deep.equal(first.resources.map(() => 'Ready'));
    expect(judged.desired).to.deep.equal(first.desired);
  });

  it('refuses compositions whose objects are rendered from observed objects', () => {
    const base = appComposition() as KubeObject & { spec: { resources: Record<string, unknown>[] } };
    const variant = (change: (spec: Record<string, unknown>) => void): CompiledComposition => {
      const copy = structuredClone(base) as KubeObject & { spec: Record<string, unknown> };
      change(copy.spec);
      return compiledOf(copy, 'variant');
    };
    const resources = (spec: Record<string, unknown>): Record<string, unknown>[] =>
      spec.resources as Record<string, unknown>[];
    expect(isReassessable(variant(() => {}))).to.equal(true);
    const withStatus = variant((spec) => {
      spec.status = { config: '{{resources.config.metadata.name}}' };
    });
    expect(isReassessable(withStatus), 'status fields are judged again, not a reason to render').to.equal(
      true,
    );
    const cases: [string, CompiledComposition][] = [
      [
        'a template reading another resource',
        variant((spec) => {
          const config = resources(spec)[0]!;
          config.template = `${String(config.template)}  sa: "{{resources.serviceaccount.metadata.uid}}"\n`;
        }),
      ],
      [
        'dependsOn',
        variant((spec) => {
          resources(spec)[4]!.dependsOn = ['serviceaccount'];
        }),
      ],
      [
        'includeWhen reading a resource',
        variant((spec) => {
          resources(spec)[1]!.includeWhen = '{{resources.config.metadata.name}}';
        }),
      ],
    ];
    for (const [what, compiled] of cases) {
      expect(isReassessable(compiled), what).to.equal(false);
    }
  });
});
