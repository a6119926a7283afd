import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compile } from '../../../engine/compose/compile.ts';
import type { CompiledComposition } from '../../../engine/compose/compiled.ts';
import {
  generateRbac,
  RBAC_RESOURCES_ANNOTATION,
  type PolicyRule,
  type RbacObject,
} from '../../../engine/controller/rbac.ts';
import { readPack } from '../../../engine/packs/index.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';

/** A composition composing one object per `apiVersion kind` pair (an inline template each). */
function composing(
  name: string,
  kinds: [string, string][],
  annotations?: Record<string, string>,
  plural?: string,
): CompiledComposition {
  const resources = kinds
    .map(
      ([apiVersion, kind], i) => `
    - id: r${i}
      template: |
        apiVersion: ${apiVersion}
        kind: ${kind}
        spec: {}`,
    )
    .join('');
  const meta = annotations
    ? `\n  annotations:\n${Object.entries(annotations)
        .map(([k, v]) => `    ${k}: "${v}"`)
        .join('\n')}`
    : '';
  const text = `apiVersion: kubify.io/v1alpha1
kind: Composition
metadata:
  name: ${name}${meta}
spec:
  api:
    group: ${name}.example.com
    version: v1
    kind: ${name[0]?.toUpperCase() ?? 'X'}${name.slice(1)}${plural ? `\n    plural: ${plural}` : ''}
    schema: {type: object, properties: {size: {type: integer}}}
  resources:${resources}
`;
  const result = compile({ file: 'composition.yaml', text });
  if (!result.compiled) throw new Error(JSON.stringify(result.problems));
  return result.compiled;
}

const clusterRules = (objects: RbacObject[]): PolicyRule[] =>
  objects.find((o) => o.kind === 'ClusterRole')?.rules ?? [];

/** Verbs granted on `group`/`resource` (without resourceNames), sorted. */
function verbsOn(rules: PolicyRule[], group: string, resource: string): string[] {
  const verbs = rules
    .filter((r) => !r.resourceNames && r.apiGroups.includes(group) && r.resources.includes(resource))
    .flatMap((r) => r.verbs);
  return [...new Set(verbs)].sort();
}

const WRITE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

describe('RBAC generator', () => {
  let rayservice: CompiledComposition;
  before(async () => {
    const result = compile(await readPack(join(REPO_ROOT, 'compositions', 'rayservice')));
    if (!result.compiled) throw new Error('rayservice pack does not compile');
    rayservice = result.compiled;
  });

  it('has no wildcard in any rule, binding or subject', () => {
    const { objects } = generateRbac({ compositions: [rayservice, composing('widget', [['v1', 'Secret']])] });
    expect(JSON.stringify(objects)).not.to.contain('*');
  });

  it("grants kubify's own APIs: Compositions (+status), creating revisions, running ProgramSources", () => {
    const rules = clusterRules(generateRbac({ compositions: [] }).objects);
    expect(verbsOn(rules, 'kubify.io', 'compositions')).to.deep.equal(['get', 'list', 'watch']);
    expect(verbsOn(rules, 'kubify.io', 'compositions/status')).to.deep.equal(['get', 'patch', 'update']);
    expect(verbsOn(rules, 'kubify.io', 'compositionrevisions')).to.deep.equal([
      'create',
      'get',
      'list',
      'watch',
    ]);
    expect(verbsOn(rules, 'kubify.io', 'programsources/status')).to.deep.equal(['get', 'patch', 'update']);
    expect(verbsOn(rules, '', 'events')).to.deep.equal(['create', 'patch']);
    expect(verbsOn(rules, 'events.k8s.io', 'events')).to.deep.equal(['create', 'patch']);
  });

  it('may create CRDs but patch or update only the claim CRDs of its compositions', () => {
    const rules = clusterRules(generateRbac({ compositions: [rayservice] }).objects);
    expect(verbsOn(rules, 'apiextensions.k8s.io', 'customresourcedefinitions')).to.deep.equal([
      'create',
      'get',
      'list',
      'watch',
    ]);
    const named = rules.filter((r) => r.resourceNames && r.resources.includes('customresourcedefinitions'));
    expect(named).to.deep.equal([
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        resourceNames: ['rayservices.ml.kubify.io'],
        verbs: ['patch', 'update'],
      },
    ]);
  });

  it('grants each claim kind (status, finalizers) and each composed kind (write), nothing else', () => {
    const rules = clusterRules(generateRbac({ compositions: [rayservice] }).objects);
    expect(verbsOn(rules, 'ml.kubify.io', 'rayservices')).to.deep.equal([
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    expect(verbsOn(rules, 'ml.kubify.io', 'rayservices/status')).to.deep.equal(['get', 'patch', 'update']);
    expect(verbsOn(rules, 'ml.kubify.io', 'rayservices/finalizers')).to.deep.equal(['update']);
    expect(verbsOn(rules, 'ray.io', 'rayservices')).to.deep.equal(WRITE);
    expect(verbsOn(rules, '', 'services')).to.deep.equal(WRITE);
    expect(verbsOn(rules, '', 'secrets')).to.deep.equal([]);
    expect(verbsOn(rules, 'apps', 'deployments')).to.deep.equal([]);
  });

  it("maps a composed kubify claim kind through that composition's CRD names", () => {
    const inner = composing('octopus', [['v1', 'ConfigMap']], undefined, 'octopi');
    const outer = composing('reef', [['octopus.example.com/v1', 'Octopus']]);
    const { objects, problems } = generateRbac({ compositions: [inner, outer] });
    expect(problems).to.deep.equal([]);
    expect(verbsOn(clusterRules(objects), 'octopus.example.com', 'octopi')).to.deep.equal(WRITE);
    expect(verbsOn(clusterRules(objects), 'octopus.example.com', 'octopuses')).to.deep.equal([]);
  });

  it('guesses the plural of an unknown upstream kind and says so; the annotation overrides it', () => {
    const guessed = generateRbac({ compositions: [composing('zoo', [['animals.example.org/v1', 'Mouse']])] });
    expect(verbsOn(clusterRules(guessed.objects), 'animals.example.org', 'mouses')).to.deep.equal(WRITE);
    expect(guessed.problems).to.have.length(1);
    expect(guessed.problems[0]).to.include({ code: 'rbac.guessed-resource', severity: 'Warning' });
    expect(guessed.problems[0]?.message)
      .to.contain('Mouse.animals.example.org')
      .and.contain(RBAC_RESOURCES_ANNOTATION);

    const overridden = generateRbac({
      compositions: [
        composing('zoo', [['animals.example.org/v1', 'Mouse']], {
          [RBAC_RESOURCES_ANNOTATION]: 'Mouse.animals.example.org=mice',
        }),
      ],
    });
    expect(overridden.problems).to.deep.equal([]);
    expect(verbsOn(clusterRules(overridden.objects), 'animals.example.org', 'mice')).to.deep.equal(WRITE);
    expect(verbsOn(clusterRules(overridden.objects), 'animals.example.org', 'mouses')).to.deep.equal([]);
  });

  it('refuses a built-in API group kind it has no resource name for (Fatal, no rule)', () => {
    const { objects, problems } = generateRbac({ compositions: [composing('odd', [['apps/v1', 'Gizmo']])] });
    expect(problems.map((p) => [p.code, p.severity, p.path])).to.deep.equal([
      ['rbac.unknown-kind', undefined, 'spec.resources[0].template'],
    ]);
    expect(JSON.stringify(clusterRules(objects))).not.to.contain('gizmo');
  });

  it('reports a malformed override annotation', () => {
    const { problems } = generateRbac({
      compositions: [
        composing('zoo', [['v1', 'ConfigMap']], { [RBAC_RESOURCES_ANNOTATION]: 'not an entry' }),
      ],
    });
    expect(problems.map((p) => p.code)).to.include('rbac.bad-annotation');
  });

  it('knows the plural of every upstream CRD fixture the packs compose', () => {
    const dir = join(REPO_ROOT, 'test', 'fixtures', 'crds');
    for (const file of readdirSync(dir)) {
      const crd = parse(readFileSync(join(dir, file), 'utf8')) as {
        spec: { group: string; names: { kind: string; plural: string }; versions: { name: string }[] };
      };
      const apiVersion = `${crd.spec.group}/${crd.spec.versions[0]?.name ?? 'v1'}`;
      const { objects, problems } = generateRbac({
        compositions: [composing('fx', [[apiVersion, crd.spec.names.kind]])],
      });
      expect(problems, file).to.deep.equal([]);
      expect(verbsOn(clusterRules(objects), crd.spec.group, crd.spec.names.plural), file).to.deep.equal(
        WRITE,
      );
    }
  });

  it('lets create the composed claim kind named by requires[].installedBy', () => {
    const installer = composing('installer', [['v1', 'ConfigMap']]);
    const text = `apiVersion: kubify.io/v1alpha1
kind: Composition
metadata: {name: needy}
spec:
  api: {group: needy.example.com, version: v1, kind: Needy, schema: {type: object}}
  requires:
    - {apiVersion: ray.io/v1, kind: RayService, installedBy: {composition: installer}}
  resources:
    - id: cm
      template: |
        apiVersion: v1
        kind: ConfigMap
`;
    const needy = compile({ file: 'composition.yaml', text }).compiled;
    if (!needy) throw new Error('needy does not compile');
    const rules = clusterRules(generateRbac({ compositions: [needy, installer] }).objects);
    expect(verbsOn(rules, 'installer.example.com', installer.api.plural)).to.include('create');
    const alone = generateRbac({ compositions: [needy] });
    expect(alone.problems.map((p) => p.code)).to.deep.equal(['rbac.installer-missing']);
  });

  it('puts the Lease and the webhook certificate Secret in a namespaced Role, get/update limited to their names, bound to the service account', () => {
    const { objects } = generateRbac({ compositions: [rayservice], namespace: 'ops', serviceAccount: 'op' });
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).to.deep.equal([
      'ClusterRole//kubify',
      'ClusterRoleBinding//kubify',
      'Role/ops/kubify',
      'RoleBinding/ops/kubify',
    ]);
    const role = objects.find((o) => o.kind === 'Role');
    expect(role?.rules).to.deep.equal([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['kubify-webhook-cert'],
        verbs: ['get', 'update'],
      },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['kubify-operator'],
        verbs: ['get', 'update'],
      },
    ]);
    for (const binding of objects.filter((o) => o.kind.endsWith('Binding'))) {
      expect(binding.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'op', namespace: 'ops' }]);
      expect(binding.roleRef?.kind).to.equal(binding.kind === 'RoleBinding' ? 'Role' : 'ClusterRole');
    }
    expect(JSON.stringify(clusterRules(objects))).not.to.contain('leases');
    expect(JSON.stringify(clusterRules(objects))).not.to.contain('secrets');
    // The webhook's own configuration, by name, to publish its CA bundle; no other.
    expect(clusterRules(objects)).to.deep.include({
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['validatingwebhookconfigurations'],
      resourceNames: ['kubify'],
      verbs: ['get', 'patch'],
    });
  });

  it('is deterministic: the order of the compositions does not matter', () => {
    const a = composing('alpha', [
      ['v1', 'ConfigMap'],
      ['apps/v1', 'Deployment'],
    ]);
    const b = composing('beta', [
      ['batch/v1', 'Job'],
      ['v1', 'ConfigMap'],
    ]);
    expect(generateRbac({ compositions: [a, b, rayservice] })).to.deep.equal(
      generateRbac({ compositions: [rayservice, b, a] }),
    );
  });
});
