/**
 * The rayservice pack through `kubify render`: claim values stay data, in the object and inside the
 * serveConfigV2 YAML string.
 */
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import { CLAIM, workspace } from './fixtures.ts';
import type { Workspace } from './fixtures.ts';
import { runKubify } from './run-cli.ts';

interface RayService {
  spec: { serveConfigV2: string; rayClusterConfig: { workerGroupSpecs: Record<string, unknown>[] } };
}

describe('rayservice pack: injection-proof rendering', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.remove());

  async function renderRayService(
    claim: string,
  ): Promise<{ code: number; stderr: string; rayservice?: RayService }> {
    ws.write('claim.yaml', claim);
    const run = await runKubify(['render', 'claim.yaml', '--now', '2025-01-01T00:00:00Z'], { cwd: ws.dir });
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as { apiVersion: string; kind: string });
    const rayservice = docs.find((d) => d.apiVersion === 'ray.io/v1') as RayService | undefined;
    return { code: run.code, stderr: run.stderr, ...(rayservice ? { rayservice } : {}) };
  }

  const hostile = [
    'a\n  - name: injected',
    '"\n    import_path: evil',
    '---\nkind: Secret',
    '{{claim.spec.image}}',
    "x' # comment",
    'ünïcødé ✓ 🚀',
    'y'.repeat(5000),
  ];

  for (const value of hostile) {
    it(`a runtimeEnv value ${JSON.stringify(value.slice(0, 30))} stays one string in serveConfigV2`, async () => {
      const claim = CLAIM.replace(
        '      routePrefix: /demo\n',
        `      routePrefix: /demo\n      runtimeEnv: {env_vars: {NOTE: ${JSON.stringify(value)}}}\n`,
      );
      const { code, stderr, rayservice } = await renderRayService(claim);
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      const serve = parse(rayservice!.spec.serveConfigV2) as { applications: Record<string, unknown>[] };
      expect(serve.applications).to.deep.equal([
        {
          name: 'demo',
          import_path: 'demo.app',
          route_prefix: '/demo',
          runtime_env: { env_vars: { NOTE: value } },
        },
      ]);
    });
  }

  it('the claim schema rejects a multi-line image', async () => {
    const { code, rayservice } = await renderRayService(
      CLAIM.replace('image: rayproject/ray:2.46.0', 'image: "ray\\nevil: true"'),
    );
    expect(code, 'the claim schema forbids whitespace in image').to.equal(1);
    expect(rayservice).to.equal(undefined);
  });

  it('the claim schema keeps route prefixes to one line', async () => {
    const { code, stderr } = await renderRayService(
      CLAIM.replace('routePrefix: /demo', 'routePrefix: "/a\\n- x"'),
    );
    expect(code).to.equal(1);
    expect(stderr).to.contain('claim.yaml:12:20: spec.applications[0].routePrefix:');
  });

  it('GPU workers get nvidia.com/gpu limits and a toleration; autoscaling sets the bounds', async () => {
    const claim = `${CLAIM}  workers: {minReplicas: 2, maxReplicas: 6, gpu: 2}\n  autoscaling: true\n`;
    const { code, rayservice } = await renderRayService(claim);
    expect(code).to.equal(0);
    const group = rayservice!.spec.rayClusterConfig.workerGroupSpecs[0] as {
      replicas: number;
      minReplicas: number;
      maxReplicas: number;
      template: {
        spec: { containers: { resources: { limits: Record<string, unknown> } }[]; tolerations: unknown[] };
      };
    };
    expect([group.replicas, group.minReplicas, group.maxReplicas]).to.deep.equal([2, 2, 6]);
    expect(group.template.spec.containers[0]!.resources.limits['nvidia.com/gpu']).to.equal(2);
    expect(group.template.spec.tolerations).to.have.length(1);
  });
});
