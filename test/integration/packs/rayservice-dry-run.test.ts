/**
 * The rayservice pack against a real API server: every object rendered from every example passes a
 * server-side apply dry-run with `fieldValidation=Strict` against a RayService CRD written from the KubeRay
 * API reference (test/fixtures/crds/ray.io_rayservices.yaml, strict where kubify writes), and every example
 * claim passes the same dry-run against the claim CRD kubify generated (crds/ml.kubify.io_rayservices.yaml).
 */
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { compile } from '../../../engine/compose/compile.ts';
import type { CompiledComposition } from '../../../engine/compose/compiled.ts';
import { render } from '../../../engine/compose/render.ts';
import { readPack } from '../../../engine/packs/index.ts';
import type { ControlPlane } from '../../../engine/controlplane/index.ts';
import { newNamespace, sharedControlPlane } from '../../support/cluster.ts';
import { eventually, rawRequest } from '../../support/http.ts';
import type { RawResponse } from '../../support/http.ts';
import { REPO_ROOT } from '../../unit/cli/run-cli.ts';

const PACK = join(REPO_ROOT, 'compositions', 'rayservice');
const RAY_CRD = join(REPO_ROOT, 'test', 'fixtures', 'crds', 'ray.io_rayservices.yaml');
const CLAIM_CRD = join(REPO_ROOT, 'crds', 'ml.kubify.io_rayservices.yaml');

type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
} & Record<string, unknown>;

/** REST paths of the kinds this test applies. */
const PLURALS: Record<string, string> = {
  'ray.io/v1 RayService': 'rayservices',
  'v1 Service': 'services',
  'ml.kubify.io/v1alpha1 RayService': 'rayservices',
  'apiextensions.k8s.io/v1 CustomResourceDefinition': 'customresourcedefinitions',
};

function objectPath(o: KubeObject): string {
  const plural = PLURALS[`${o.apiVersion} ${o.kind}`];
  if (!plural) throw new Error(`no REST path for ${o.apiVersion} ${o.kind}`);
  const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : '';
  return `${base}${ns}/${plural}/${o.metadata.name}`;
}

/** Server-side apply as kubify does it (fieldManager kubify, force), strict field validation. */
function apply(cp: ControlPlane, o: KubeObject, dryRun: boolean): Promise<RawResponse> {
  const query = `fieldManager=kubify&force=true&fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`;
  return rawRequest(cp, 'PATCH', `${objectPath(o)}?${query}`, o, {
    contentType: 'application/apply-patch+yaml',
  });
}

async function installCrd(cp: ControlPlane, file: string): Promise<void> {
  const crd = parseAllDocuments(readFileSync(file, 'utf8'))[0]?.toJS() as KubeObject & {
    spec: { group: string; versions: { name: string }[]; names: { plural: string } };
  };
  const res = await apply(cp, crd, false);
  expect(res.status, res.text).to.be.oneOf([200, 201]);
  await eventually(`CRD ${crd.metadata.name} Established`, async () => {
    const got = await rawRequest(cp, 'GET', objectPath(crd));
    const conditions = (got.body as { status?: { conditions?: { type: string; status: string }[] } }).status
      ?.conditions;
    return conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
  const version = crd.spec.versions[0]?.name ?? '';
  await eventually(`${crd.spec.group}/${version} served`, async () => {
    const list = await rawRequest(cp, 'GET', `/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}`);
    return list.status === 200 ? true : undefined;
  });
}

function examples(): { name: string; claim: KubeObject; observed: Record<string, unknown> }[] {
  return readdirSync(join(PACK, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const observedFile = join(PACK, 'examples', 'observed', file);
      const observed: Record<string, unknown> = {};
      try {
        for (const doc of parseAllDocuments(readFileSync(observedFile, 'utf8'))) {
          const o = doc.toJS() as { metadata: { labels: Record<string, string> } };
          observed[o.metadata.labels['kubify.io/resource-id'] ?? ''] = o;
        }
      } catch {
        // no observed objects for this example
      }
      return {
        name: file,
        claim: parse(readFileSync(join(PACK, 'examples', file), 'utf8')) as KubeObject,
        observed,
      };
    });
}

/**
 * kube-apiserver 1.34 answers a server-side apply with an undeclared field with 500 "failed to create typed
 * patch object ... field not declared in schema" (not 422); either way nothing is stored.
 */
function expectRejected(res: RawResponse): void {
  expect(res.status, res.text).to.be.oneOf([422, 500]);
  expect(res.text).to.contain('field not declared in schema');
}

describe('rayservice pack: strict server-side dry-run on a real API server', function () {
  this.timeout(180_000);
  let cp: ControlPlane;
  let namespace: string;
  let compiled: CompiledComposition;

  before(async () => {
    cp = await sharedControlPlane();
    await installCrd(cp, RAY_CRD);
    await installCrd(cp, CLAIM_CRD);
    namespace = await newNamespace('rayservice');
    const result = compile(await readPack(PACK));
    expect(result.problems).to.deep.equal([]);
    compiled = result.compiled!;
  });

  /** Renders an example into the test namespace, with its observed objects so every resource renders. */
  function renderExample(claim: KubeObject, observed: Record<string, unknown>): KubeObject[] {
    const inNamespace = { ...claim, metadata: { ...claim.metadata, namespace } };
    const out = render({ claim: inNamespace, compiled, observed, now: '2025-01-01T00:00:00Z' });
    expect(out.results.filter((r) => r.severity !== 'Normal')).to.deep.equal([]);
    return out.desired.map((d) => d.object as KubeObject);
  }

  const all = examples();
  it('has examples to check', () => {
    expect(all.length).to.be.greaterThanOrEqual(3);
  });

  for (const { name, claim, observed } of all) {
    it(`every object rendered from examples/${name} is accepted with fieldValidation=Strict`, async () => {
      const objects = renderExample(claim, observed);
      expect(objects.map((o) => o.kind)).to.include('RayService');
      if (Object.keys(observed).length > 0) expect(objects).to.have.length(2);
      for (const object of objects) {
        const res = await apply(cp, object, true);
        expect(res.status, `${object.kind} ${object.metadata.name}: ${res.text}`).to.be.oneOf([200, 201]);
      }
    });

    it(`examples/${name} is accepted by the generated claim CRD with fieldValidation=Strict`, async () => {
      const res = await apply(cp, { ...claim, metadata: { ...claim.metadata, namespace } }, true);
      expect(res.status, res.text).to.be.oneOf([200, 201]);
    });
  }

  it('rejects a misspelt field in the RayService (the fixture is strict where kubify writes)', async () => {
    const first = all[0]!;
    const rayservice = renderExample(first.claim, first.observed).find((o) => o.kind === 'RayService')!;
    const spec = rayservice.spec as {
      rayClusterConfig: {
        workerGroupSpecs: { template: { spec: { containers: Record<string, unknown>[] } } }[];
      };
    };
    const container = spec.rayClusterConfig.workerGroupSpecs[0]!.template.spec.containers[0]!;
    container.imagePullPolicyy = 'Always';
    const res = await apply(cp, rayservice, true);
    expectRejected(res);
    expect(res.text).to.contain('imagePullPolicyy');
    expect(res.text).to.contain('field not declared in schema');
  });

  it('rejects a misspelt top-level RayService field', async () => {
    const first = all[0]!;
    const rayservice = renderExample(first.claim, first.observed).find((o) => o.kind === 'RayService')!;
    const spec = rayservice.spec as Record<string, unknown>;
    spec.serveConfig = spec.serveConfigV2;
    delete spec.serveConfigV2;
    const res = await apply(cp, rayservice, true);
    expectRejected(res);
    expect(res.text).to.contain('.spec.serveConfig: field not declared in schema');
  });

  it('rejects a misspelt claim field through the generated claim CRD', async () => {
    const first = all[0]!;
    const spec = { ...(first.claim.spec as Record<string, unknown>), autoscalng: true };
    const claim: KubeObject = { ...first.claim, metadata: { ...first.claim.metadata, namespace }, spec };
    const res = await apply(cp, claim, true);
    expectRejected(res);
    expect(res.text).to.contain('.spec.autoscalng: field not declared in schema');
  });
});
