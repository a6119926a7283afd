import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import {
  adminClient,
  applyFile,
  installPack,
  startTestOperator,
  type TestOperator,
} from '../../support/operator.ts';
import { condition } from './fixtures.ts';

interface Artifact {
  url: string;
  digest: string;
  revision: string;
  size: number;
}

describe('operator: Pulumi programs through ProgramSource and Stack (kubecost pack)', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;
  const claimRef = (): { apiVersion: string; kind: string; namespace: string; name: string } => ({
    apiVersion: 'cost.kubify.io/v1alpha1',
    kind: 'Kubecost',
    namespace: ns,
    name: 'kubecost',
  });
  const stackRef = (): { apiVersion: string; kind: string; namespace: string; name: string } => ({
    apiVersion: 'pulumi.com/v1',
    kind: 'Stack',
    namespace: ns,
    name: 'kubecost-stack',
  });
  const sourceRef = (
    name = 'kubecost-program',
  ): { apiVersion: string; kind: string; namespace: string; name: string } => ({
    apiVersion: 'kubify.io/v1alpha1',
    kind: 'ProgramSource',
    namespace: ns,
    name,
  });

  before(async () => {
    client = await adminClient();
    await applyFile(client, 'test/fixtures/crds/pulumi.com_stacks.yaml');
    op = await startTestOperator({ artifactBindAddress: '127.0.0.1:0' });
    await installPack(client, 'compositions/kubecost');
    ns = await newNamespace('pulumi');
    const claim = parse(readFileSync('compositions/kubecost/examples/bundled.yaml', 'utf8')) as KubeObject;
    await client.apply({ ...claim, metadata: { name: 'kubecost', namespace: ns } });
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });

  it('publishes the program as an artifact whose digest matches the bytes served at its URL', async () => {
    const source = await eventually('the ProgramSource artifact', async () => {
      const s = await client.find(sourceRef());
      return (s?.status as { artifact?: Artifact } | undefined)?.artifact ? s : undefined;
    });
    const artifact = (source.status as { artifact: Artifact }).artifact;
    expect(artifact.url).to.match(
      new RegExp(
        `^http://127\\.0\\.0\\.1:\\d+/programs/${ns}/kubecost-program/${artifact.revision}\\.tar\\.gz$`,
      ),
    );
    const res = await fetch(artifact.url);
    expect(res.status).to.equal(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).to.equal(artifact.digest);
    expect(bytes.length).to.equal(artifact.size);
    const dir = mkdtempSync(join(tmpdir(), 'kubify-artifact-'));
    try {
      writeFileSync(join(dir, 'p.tar.gz'), bytes);
      execFileSync('tar', ['-xzf', 'p.tar.gz'], { cwd: dir });
      for (const file of ['Pulumi.yaml', '__main__.py', 'requirements.txt']) {
        expect(readFileSync(join(dir, file), 'utf8'), file).to.equal(
          readFileSync(join('compositions/kubecost/programs/kubecost', file), 'utf8'),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(condition(source, 'Ready')).to.include({ status: 'True', reason: 'ArtifactReady' });
  });

  it('composes a Stack that points at the ProgramSource, with config from the claim', async () => {
    const stack = await eventually('the Stack', () => client.find(stackRef()));
    const spec = stack.spec as Record<string, unknown>;
    expect(spec.fluxSource).to.deep.include({
      sourceRef: { apiVersion: 'kubify.io/v1alpha1', kind: 'ProgramSource', name: 'kubecost-program' },
    });
    expect(spec.destroyOnFinalize).to.equal(true);
    expect((spec.config as Record<string, string>)['kubecost:clusterName']).to.equal('management');
    const claim = await client.get(claimRef());
    expect(condition(claim, 'Ready')?.status).to.equal('False');
  });

  it('follows the Stack as PKO reports success, then failure with its message', async () => {
    const stack = await client.get(stackRef());
    const setStatus = (status: Record<string, unknown>): Promise<KubeObject> =>
      client.applyStatus(
        {
          apiVersion: 'pulumi.com/v1',
          kind: 'Stack',
          metadata: { name: 'kubecost-stack', namespace: ns },
          status,
        },
        { fieldManager: 'pulumi-kubernetes-operator' },
      );
    await setStatus({
      observedGeneration: stack.metadata.generation,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ProcessingCompleted',
          message: 'the stack has been processed',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
      lastUpdate: { state: 'succeeded', generation: stack.metadata.generation },
      outputs: {
        url: 'http://kubecost-cost-analyzer.kubecost:9090',
        namespace: 'kubecost',
        releaseName: 'kubecost',
        chartVersion: '2.8.6',
        status: 'deployed',
        prometheus: 'bundled',
      },
    });
    const ready = await eventually('the claim to be Ready with projected outputs', async () => {
      const c = await client.get(claimRef());
      return condition(c, 'Ready')?.status === 'True' ? c : undefined;
    });
    expect((ready.status as Record<string, unknown>).url).to.equal(
      'http://kubecost-cost-analyzer.kubecost:9090',
    );
    await setStatus({
      observedGeneration: stack.metadata.generation,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'NotReadyStalled',
          message: 'reconciliation is stalled',
          lastTransitionTime: '2026-01-01T00:01:00Z',
        },
        {
          type: 'Stalled',
          status: 'True',
          reason: 'UpdateFailed',
          message: 'helm: release kubecost failed: timed out',
          lastTransitionTime: '2026-01-01T00:01:00Z',
        },
      ],
      lastUpdate: {
        state: 'failed',
        generation: stack.metadata.generation,
        message: 'helm: release kubecost failed: timed out',
      },
    });
    const failed = await eventually('the claim to report the failure', async () => {
      const c = await client.get(claimRef());
      return condition(c, 'Ready')?.reason === 'ResourceFailed' ? c : undefined;
    });
    expect(condition(failed, 'Ready')?.message).to.contain('helm: release kubecost failed: timed out');
  });

  it('deletes the Stack first, waits while PKO destroys, and keeps serving the program until then', async () => {
    await client.patch(
      stackRef(),
      { metadata: { finalizers: ['finalizer.stack.pulumi.com'] } },
      { type: 'merge' },
    );
    const artifact = ((await client.get(sourceRef())).status as { artifact: Artifact }).artifact;
    await client.delete(claimRef());
    await eventually('the Stack to be terminating', async () =>
      (await client.get(stackRef())).metadata.deletionTimestamp ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await client.find(sourceRef()), 'the ProgramSource waits for the Stack').to.not.equal(undefined);
    expect((await fetch(artifact.url)).status, 'still served while PKO destroys').to.equal(200);
    expect(await client.find(claimRef()), 'the claim waits too').to.not.equal(undefined);
    await client.patch(stackRef(), { metadata: { finalizers: null } }, { type: 'merge' });
    await eventually('the claim to be gone', async () =>
      (await client.find(claimRef())) ? undefined : true,
    );
    expect(await client.find(sourceRef())).to.equal(undefined);
    await eventually('the artifact to stop being served', async () =>
      (await fetch(artifact.url)).status === 404 ? true : undefined,
    );
  });

  it('rejects a program without Pulumi.yaml, and explains a bad one in its Ready condition', async () => {
    const source = (name: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'kubify.io/v1alpha1',
      kind: 'ProgramSource',
      metadata: { name, namespace: ns },
      spec,
    });
    let rejected: unknown;
    try {
      await client.apply(source('no-project', { files: { '__main__.py': 'print(1)\n' } }));
    } catch (err) {
      rejected = err;
    }
    expect(String(rejected)).to.contain('Pulumi.yaml');
    await client.apply(
      source('no-entrypoint', {
        files: { 'Pulumi.yaml': 'name: x\nruntime: python\n' },
        entrypoint: 'main.py',
      }),
    );
    const bad = await eventually('the InvalidProgram condition', async () => {
      const s = await client.get(sourceRef('no-entrypoint'));
      return condition(s, 'Ready')?.reason === 'InvalidProgram' ? s : undefined;
    });
    expect(condition(bad, 'Ready')?.message).to.equal('spec.entrypoint main.py is not one of spec.files');
    expect((bad.status as { artifact?: unknown }).artifact).to.equal(undefined);
  });
});
