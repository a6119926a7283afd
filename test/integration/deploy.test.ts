/**
 * Every object in deploy/ server-side applies with fieldValidation=Strict into a namespace created from
 * deploy/namespace.yaml (Pod Security `restricted`, enforce and warn), and the API server answers the
 * operator's Deployment without a single warning. Negative controls prove warnings and strict validation
 * are live: a Deployment without the security context draws a PodSecurity warning, a misspelt field fails.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import {
  createKubeClient,
  InvalidError,
  KubeError,
  loadKubeConfig,
  silentLogger,
  type KubeClient,
  type KubeObject,
} from '../../engine/kube/index.ts';
import { sharedControlPlane } from '../support/cluster.ts';
import { REPO_ROOT } from '../unit/cli/run-cli.ts';

const read = (file: string): KubeObject[] =>
  parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy', file), 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

/** deploy/'s objects moved into namespace `ns` (cluster-scoped ones renamed, so nothing shared is touched). */
function relocate(objects: KubeObject[], ns: string): KubeObject[] {
  return objects.map((original) => {
    const o = structuredClone(original);
    if (o.kind === 'Namespace') o.metadata.name = ns;
    else if (CLUSTER_SCOPED.has(o.kind)) o.metadata.name = `${o.metadata.name ?? ''}-${ns}`;
    else o.metadata.namespace = ns;
    if (o.kind === 'ClusterRoleBinding') (o.roleRef as { name: string }).name = `${o.metadata.name ?? ''}`;
    const subjects = o.subjects as { namespace?: string }[] | undefined;
    for (const s of subjects ?? []) s.namespace = ns;
    return o;
  });
}

describe('deploy/ manifests', function () {
  this.timeout(60_000);
  let client: KubeClient;
  let ns: string;
  const warnings: { warning: string; resource: string; name?: string | undefined }[] = [];
  const all = [...read('namespace.yaml'), ...read('rbac.yaml'), ...read('operator.yaml')];

  before(async () => {
    const cp = await sharedControlPlane();
    client = createKubeClient({
      kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }),
      logger: silentLogger,
      onWarning: (warning, request) =>
        warnings.push({ warning, resource: request.resource, name: request.name }),
    });
    ns = `deploy-${Math.random().toString(36).slice(2, 8)}`;
  });
  after(async () => {
    for (const o of relocate(all, ns).filter((x) => x.kind.startsWith('Cluster')))
      await client
        .delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name ?? '' })
        .catch(() => undefined);
    client?.close();
  });

  it('namespace.yaml enforces and warns the restricted Pod Security standard', () => {
    const [namespace] = read('namespace.yaml');
    expect(namespace?.metadata.labels).to.include({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  it('every object applies with fieldValidation=Strict, and none draws a warning', async () => {
    const applied: string[] = [];
    for (const o of relocate(all, ns)) {
      await client.apply(o, { fieldManager: 'deploy-test', fieldValidation: 'Strict' });
      applied.push(o.kind);
    }
    expect(applied).to.include.members([
      'Namespace',
      'ClusterRole',
      'ServiceAccount',
      'Deployment',
      'Service',
    ]);
    expect(warnings).to.deep.equal([]);
    const deployment = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: ns,
      name: 'kubify-operator',
    });
    expect(deployment.metadata.namespace).to.equal(ns);
  });

  it('control: a Deployment without its security context draws a PodSecurity warning', async () => {
    const deployment = relocate(all, ns).find((o) => o.kind === 'Deployment');
    if (!deployment) throw new Error('deploy/operator.yaml has no Deployment');
    const spec = deployment.spec as {
      template: { spec: { securityContext?: unknown; containers: { securityContext?: unknown }[] } };
    };
    delete spec.template.spec.securityContext;
    for (const c of spec.template.spec.containers) delete c.securityContext;
    deployment.metadata.name = 'insecure';
    const seen = warnings.length;
    await client.apply(deployment, { fieldManager: 'deploy-test', dryRun: true });
    expect(
      warnings
        .slice(seen)
        .map((w) => w.warning)
        .join('\n'),
    ).to.match(/would violate PodSecurity \\?"restricted:latest/);
  });

  it('control: a misspelt field is rejected under Strict validation', async () => {
    const service = relocate(all, ns).find((o) => o.kind === 'Service');
    if (!service) throw new Error('deploy/operator.yaml has no Service');
    const error = await client
      .apply(
        { ...service, spec: { ...(service.spec as object), selectr: {} } },
        { fieldValidation: 'Strict', dryRun: true },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(KubeError);
    expect(error instanceof InvalidError || (error as KubeError).status === 400).to.equal(true);
    expect((error as Error).message).to.contain('selectr');
  });

  it('pko-values.yaml lets PKO read, list and watch ProgramSources', () => {
    const values = parse(readFileSync(join(REPO_ROOT, 'deploy', 'pko-values.yaml'), 'utf8')) as {
      rbac?: { extraRules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    };
    expect(values.rbac?.extraRules).to.deep.equal([
      { apiGroups: ['kubify.io'], resources: ['programsources'], verbs: ['get', 'list', 'watch'] },
    ]);
  });
});
