/**
 * The App, PostgreSQL, Redis and Build packs against a real API server: every object rendered from every
 * example (with its observed objects, so pending resources render too) passes a server-side apply dry-run with
 * `fieldValidation=Strict` — core kinds against kube-apiserver's own schemas, CloudNativePG, Argo Rollouts,
 * prometheus-operator and Gateway API kinds against CRD fixtures written from their API references
 * (test/fixtures/crds/, strict where kubify writes) — and every example claim passes the claim CRD kubify
 * generates for its pack. Misspelt fields are rejected.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { compile } from '../../../engine/compose/compile.ts';
import type { CompiledComposition } from '../../../engine/compose/compiled.ts';
import { render } from '../../../engine/compose/render.ts';
import type { ControlPlane } from '../../../engine/controlplane/index.ts';
import { readPack } from '../../../engine/packs/index.ts';
import { newNamespace, sharedControlPlane } from '../../support/cluster.ts';
import { applyStrict, expectRejected, installCrd, packExamples } from '../../support/dry-run.ts';
import type { KubeObject, PackExample } from '../../support/dry-run.ts';
import { REPO_ROOT } from '../../unit/cli/run-cli.ts';

const PACKS = ['app', 'build', 'postgresql', 'redis'] as const;
type PackName = (typeof PACKS)[number];
const packDir = (pack: PackName): string => join(REPO_ROOT, 'compositions', pack);
const FIXTURES = [
  'postgresql.cnpg.io_clusters.yaml',
  'postgresql.cnpg.io_scheduledbackups.yaml',
  'argoproj.io_rollouts.yaml',
  'monitoring.coreos.com_servicemonitors.yaml',
  'gateway.networking.k8s.io_httproutes.yaml',
].map((f) => join(REPO_ROOT, 'test', 'fixtures', 'crds', f));
const NOW = '2025-01-01T00:00:00Z';

type PodTemplate = { metadata: Record<string, unknown>; spec: { containers: Record<string, unknown>[] } };

function example(pack: PackName, file: string): PackExample {
  const found = packExamples(packDir(pack)).find((e) => e.name === file);
  if (!found) throw new Error(`compositions/${pack}/examples/${file} is missing`);
  return found;
}

describe('app, data and build packs: strict server-side dry-run on a real API server', function () {
  this.timeout(240_000);
  let cp: ControlPlane;
  let namespace: string;
  const compiled = new Map<PackName, CompiledComposition>();

  before(async () => {
    cp = await sharedControlPlane();
    for (const fixture of FIXTURES) await installCrd(cp, fixture);
    for (const pack of PACKS) {
      const result = compile(await readPack(packDir(pack)));
      expect(result.problems, `compositions/${pack}`).to.deep.equal([]);
      compiled.set(pack, result.compiled!);
      await installCrd(cp, result.compiled!.crd as unknown as KubeObject);
    }
    namespace = await newNamespace('app-packs');
  });

  /** Renders a claim into the test namespace; every included resource must render (nothing pending). */
  function renderIn(pack: PackName, claim: KubeObject, observed: Record<string, unknown>): KubeObject[] {
    const inNamespace = { ...claim, metadata: { ...claim.metadata, namespace } };
    const out = render({ claim: inNamespace, compiled: compiled.get(pack)!, observed, now: NOW });
    expect(out.results.filter((r) => r.severity !== 'Normal')).to.deep.equal([]);
    expect(out.pending, 'add observed objects so that every resource renders').to.deep.equal([]);
    return out.desired.map((d) => d.object as KubeObject);
  }

  for (const pack of PACKS) {
    const examples = packExamples(packDir(pack));

    it(`${pack}: has examples to check`, () => {
      expect(examples.length).to.be.greaterThanOrEqual(pack === 'app' ? 3 : 2);
    });

    for (const { name, claim, observed } of examples) {
      it(`${pack}: every object rendered from examples/${name} is accepted with fieldValidation=Strict`, async () => {
        const objects = renderIn(pack, claim, observed);
        expect(objects).to.not.be.empty;
        for (const object of objects) {
          const res = await applyStrict(cp, object, true);
          expect(res.status, `${object.kind} ${object.metadata.name}: ${res.text}`).to.be.oneOf([200, 201]);
        }
      });

      it(`${pack}: examples/${name} is accepted by the generated claim CRD with fieldValidation=Strict`, async () => {
        const res = await applyStrict(cp, { ...claim, metadata: { ...claim.metadata, namespace } }, true);
        expect(res.status, res.text).to.be.oneOf([200, 201]);
      });
    }
  }

  it('app: the Deployment and the Rollout render the same Pod template', () => {
    const { claim, observed } = example('app', 'web-database-cache.yaml');
    const spec = claim.spec as Record<string, unknown>;
    const templateOf = (strategy: string, kind: string): PodTemplate => {
      const variant = { ...claim, spec: { ...spec, rollout: { strategy } } };
      const object = renderIn('app', variant, strategy === 'rolling' ? observed : {}).find(
        (o) => o.kind === kind,
      );
      expect(object, `${kind} for strategy ${strategy}`).to.not.equal(undefined);
      return (object!.spec as { template: PodTemplate }).template;
    };
    const deployment = templateOf('rolling', 'Deployment');
    expect(deployment.spec.containers[0]!.env).to.not.be.empty;
    expect(templateOf('canary', 'Rollout')).to.deep.equal(deployment);
    expect(templateOf('blueGreen', 'Rollout')).to.deep.equal(deployment);
  });

  it('app: with spec.build the workload waits for the Build image, then runs it', () => {
    const { claim, observed } = example('app', 'build-from-git.yaml');
    const inNamespace = { ...claim, metadata: { ...claim.metadata, namespace } };
    const before = render({ claim: inNamespace, compiled: compiled.get('app')!, observed: {}, now: NOW });
    expect(before.desired.map((d) => d.id))
      .to.include('build')
      .and.not.include('deployment');
    expect(before.pending.map((p) => p.id)).to.deep.equal(['deployment']);
    expect(before.pending[0]!.path).to.match(/^resources\.build\.status\.(image|job)$/);
    const after = renderIn('app', claim, observed);
    const deployment = after.find((o) => o.kind === 'Deployment')!;
    const pod = (deployment.spec as { template: PodTemplate }).template;
    const image = (observed.build as { status: { image: string } }).status.image;
    expect(pod.spec.containers[0]!.image).to.equal(image);
  });

  it('rejects a misspelt field in the Rollout Pod template (the Argo Rollouts fixture is strict)', async () => {
    const { claim } = example('app', 'canary-httproute.yaml');
    const rollout = renderIn('app', claim, {}).find((o) => o.kind === 'Rollout')!;
    const pod = (rollout.spec as { template: PodTemplate }).template;
    pod.spec.containers[0]!.readinesProbe = pod.spec.containers[0]!.readinessProbe;
    const res = await applyStrict(cp, rollout, true);
    expectRejected(res, 'readinesProbe');
  });

  it('rejects a misspelt field in the CloudNativePG Cluster', async () => {
    const { claim, observed } = example('postgresql', 'ha-backups.yaml');
    const cluster = renderIn('postgresql', claim, observed).find((o) => o.kind === 'Cluster')!;
    const initdb = (cluster.spec as { bootstrap: { initdb: Record<string, unknown> } }).bootstrap.initdb;
    initdb.ownr = initdb.owner;
    const res = await applyStrict(cp, cluster, true);
    expectRejected(res, 'ownr');
  });

  it('rejects a misspelt field in the HTTPRoute', async () => {
    const { claim } = example('app', 'canary-httproute.yaml');
    const route = renderIn('app', claim, {}).find((o) => o.kind === 'HTTPRoute')!;
    (route.spec as Record<string, unknown>).hostname = ['typo.example'];
    const res = await applyStrict(cp, route, true);
    expectRejected(res, 'hostname');
  });

  it('rejects a misspelt claim field through the generated App claim CRD', async () => {
    const { claim } = example('app', 'minimal.yaml');
    const spec = { ...(claim.spec as Record<string, unknown>), replica: 3 };
    const res = await applyStrict(cp, { ...claim, metadata: { ...claim.metadata, namespace }, spec }, true);
    expectRejected(res, 'replica');
  });
});
