/**
 * The operator's least-privilege RBAC, generated from the compiled compositions it serves (pure: no I/O).
 *
 * - kubify's own APIs: read Compositions and write their status; read and create CompositionRevisions;
 *   run ProgramSources (read, status).
 * - CRDs: read and create; patch/update only the claim CRDs of these compositions (`resourceNames`).
 * - Per claim kind: read, patch/update (finalizer), status, finalizers.
 * - Per composed kind: read, create, patch/update (server-side apply) and delete.
 * - Events (core and events.k8s.io): create, patch. A namespaced Role for the leader-election Lease.
 * - The admission webhook: get/patch its own ValidatingWebhookConfiguration (CA bundle); in the Role,
 *   create Secrets and get/update its certificate Secret.
 *
 * No wildcard anywhere. A composed kind is mapped to its REST resource by: the composition's override
 * annotation, kubify's own and the compositions' claim kinds, a static table of built-in and well-known
 * upstream kinds, else the lower-cased plural rule (reported as a Warning so a human checks it).
 */
import { KUBIFY_GROUP } from '../api/composition.ts';
import type { Problem } from '../api/problem.ts';
import { pluralize } from '../compose/claim-crd.ts';
import type { CompiledComposition } from '../compose/compiled.ts';
import { parseApiVersion } from '../kube/types.ts';

/** Composition annotation overriding the REST resource of composed kinds: `Kind.group=plural, ...`. */
export const RBAC_RESOURCES_ANNOTATION = 'rbac.kubify.io/resources';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS = ['get', 'patch', 'update'];

/** API groups served by kube-apiserver itself: a kind of these groups must be in the table below. */
const BUILTIN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

/** `Kind.group` -> REST resource: built-in kinds and the upstream CRD kinds kubify's packs compose. */
const KNOWN_RESOURCES: Readonly<Record<string, string>> = {
  'ConfigMap.': 'configmaps',
  'Endpoints.': 'endpoints',
  'LimitRange.': 'limitranges',
  'Namespace.': 'namespaces',
  'PersistentVolume.': 'persistentvolumes',
  'PersistentVolumeClaim.': 'persistentvolumeclaims',
  'Pod.': 'pods',
  'ReplicationController.': 'replicationcontrollers',
  'ResourceQuota.': 'resourcequotas',
  'Secret.': 'secrets',
  'Service.': 'services',
  'ServiceAccount.': 'serviceaccounts',
  'MutatingWebhookConfiguration.admissionregistration.k8s.io': 'mutatingwebhookconfigurations',
  'ValidatingWebhookConfiguration.admissionregistration.k8s.io': 'validatingwebhookconfigurations',
  'CustomResourceDefinition.apiextensions.k8s.io': 'customresourcedefinitions',
  'ControllerRevision.apps': 'controllerrevisions',
  'DaemonSet.apps': 'daemonsets',
  'Deployment.apps': 'deployments',
  'ReplicaSet.apps': 'replicasets',
  'StatefulSet.apps': 'statefulsets',
  'HorizontalPodAutoscaler.autoscaling': 'horizontalpodautoscalers',
  'CronJob.batch': 'cronjobs',
  'Job.batch': 'jobs',
  'Lease.coordination.k8s.io': 'leases',
  'EndpointSlice.discovery.k8s.io': 'endpointslices',
  'Ingress.networking.k8s.io': 'ingresses',
  'IngressClass.networking.k8s.io': 'ingressclasses',
  'NetworkPolicy.networking.k8s.io': 'networkpolicies',
  'RuntimeClass.node.k8s.io': 'runtimeclasses',
  'PodDisruptionBudget.policy': 'poddisruptionbudgets',
  'ClusterRole.rbac.authorization.k8s.io': 'clusterroles',
  'ClusterRoleBinding.rbac.authorization.k8s.io': 'clusterrolebindings',
  'Role.rbac.authorization.k8s.io': 'roles',
  'RoleBinding.rbac.authorization.k8s.io': 'rolebindings',
  'PriorityClass.scheduling.k8s.io': 'priorityclasses',
  'StorageClass.storage.k8s.io': 'storageclasses',
  // kubify's own composable kind
  'ProgramSource.kubify.io': 'programsources',
  // upstream CRDs the shipped packs compose (checked against their CRDs)
  'Rollout.argoproj.io': 'rollouts',
  'Certificate.cert-manager.io': 'certificates',
  'HTTPRoute.gateway.networking.k8s.io': 'httproutes',
  'ServiceMonitor.monitoring.coreos.com': 'servicemonitors',
  'PodMonitor.monitoring.coreos.com': 'podmonitors',
  'Cluster.postgresql.cnpg.io': 'clusters',
  'ScheduledBackup.postgresql.cnpg.io': 'scheduledbackups',
  'Stack.pulumi.com': 'stacks',
  'Program.pulumi.com': 'programs',
  'RayCluster.ray.io': 'rayclusters',
  'RayJob.ray.io': 'rayjobs',
  'RayService.ray.io': 'rayservices',
};

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

export interface RbacObject {
  apiVersion: string;
  kind: 'ClusterRole' | 'ClusterRoleBinding' | 'Role' | 'RoleBinding';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  rules?: PolicyRule[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: string; name: string; namespace: string }[];
}

export interface RbacOptions {
  compositions: readonly CompiledComposition[];
  /** The operator's namespace (service account, Lease). Default `kubify-system`. */
  namespace?: string;
  /** Default `kubify`. */
  serviceAccount?: string;
  /** Name of the ClusterRole, Role and bindings. Default `kubify`. */
  name?: string;
  /** Name of the leader-election Lease. Default `kubify-operator`. */
  leaseName?: string;
  /** The webhook's ValidatingWebhookConfiguration (its CA bundle is written). Default `kubify`. */
  webhookConfigurationName?: string;
  /** The Secret holding the webhook's self-managed certificates. Default `kubify-webhook-cert`. */
  webhookSecretName?: string;
}

export interface GeneratedRbac {
  /** ClusterRole, ClusterRoleBinding, Role, RoleBinding. */
  objects: RbacObject[];
  /** Fatal: a kind whose resource cannot be told; Warning: a guessed plural. */
  problems: Problem[];
}

/** Collects verbs per `group` + `resource` (+ resource names), then emits merged, sorted rules. */
class RuleSet {
  private readonly verbs = new Map<string, Set<string>>();

  add(
    group: string,
    resources: readonly string[],
    verbs: readonly string[],
    names?: readonly string[],
  ): void {
    for (const resource of resources) {
      const key = JSON.stringify([group, resource, [...(names ?? [])].sort()]);
      const set = this.verbs.get(key) ?? new Set<string>();
      for (const verb of verbs) set.add(verb);
      this.verbs.set(key, set);
    }
  }

  rules(): PolicyRule[] {
    const merged = new Map<string, PolicyRule>();
    for (const [key, verbSet] of this.verbs) {
      const [group, resource, names] = JSON.parse(key) as [string, string, string[]];
      const verbs = [...verbSet].sort();
      const mergeKey = JSON.stringify([group, names, verbs]);
      const rule = merged.get(mergeKey) ?? {
        apiGroups: [group],
        resources: [],
        ...(names.length > 0 ? { resourceNames: names } : {}),
        verbs,
      };
      rule.resources.push(resource);
      merged.set(mergeKey, rule);
    }
    const rules = [...merged.values()];
    for (const rule of rules) rule.resources.sort();
    return rules.sort((a, b) => compare(ruleKey(a), ruleKey(b)));
  }
}

const ruleKey = (r: PolicyRule): string =>
  `${r.apiGroups[0] ?? ''}\u0000${r.resources[0] ?? ''}\u0000${(r.resourceNames ?? []).join(',')}`;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Generates the operator's ClusterRole, Role and their bindings for `compositions`. */
export function generateRbac(options: RbacOptions): GeneratedRbac {
  const namespace = options.namespace ?? 'kubify-system';
  const serviceAccount = options.serviceAccount ?? 'kubify';
  const name = options.name ?? 'kubify';
  const compositions = [...options.compositions].sort((a, b) => compare(a.name, b.name));
  const problems: Problem[] = [];
  const cluster = new RuleSet();

  cluster.add(KUBIFY_GROUP, ['compositions', 'programsources'], READ);
  cluster.add(KUBIFY_GROUP, ['compositions/status', 'programsources/status'], STATUS);
  cluster.add(KUBIFY_GROUP, ['compositionrevisions'], [...READ, 'create']);
  cluster.add('apiextensions.k8s.io', ['customresourcedefinitions'], [...READ, 'create']);
  cluster.add('', ['events'], ['create', 'patch']);
  cluster.add('events.k8s.io', ['events'], ['create', 'patch']);
  // The admission webhook publishes its CA bundle in its own configuration, and in no other.
  cluster.add(
    'admissionregistration.k8s.io',
    ['validatingwebhookconfigurations'],
    ['get', 'patch'],
    [options.webhookConfigurationName ?? 'kubify'],
  );

  const claimResources = new Map<string, string>();
  for (const c of compositions) claimResources.set(`${c.api.kind}.${c.api.group}`, c.api.plural);
  const claimCrds = compositions.map((c) => c.crd.metadata.name).sort();
  if (claimCrds.length > 0)
    cluster.add('apiextensions.k8s.io', ['customresourcedefinitions'], ['patch', 'update'], claimCrds);

  for (const c of compositions) {
    const { group, plural } = c.api;
    cluster.add(group, [plural], [...READ, 'patch', 'update']);
    cluster.add(group, [`${plural}/status`], STATUS);
    cluster.add(group, [`${plural}/finalizers`], ['update']);
    const overrides = parseOverrides(c, problems);
    const seen = new Set<string>();
    for (const r of c.resources) {
      const { group: childGroup } = parseApiVersion(r.apiVersion);
      const kindKey = `${r.kind}.${childGroup}`;
      if (seen.has(kindKey)) continue;
      seen.add(kindKey);
      const resource = resolveResource(c, r.index, r.kind, childGroup, overrides, claimResources, problems);
      if (resource) cluster.add(childGroup, [resource], WRITE);
    }
    for (const [i, req] of c.requires.entries()) {
      const installer = req.installedBy?.composition;
      if (installer === undefined) continue;
      const target = compositions.find((x) => x.name === installer);
      if (target) cluster.add(target.api.group, [target.api.plural], ['create']);
      else
        problems.push({
          code: 'rbac.installer-missing',
          severity: 'Warning',
          message: `requires ${req.kind}.${parseApiVersion(req.apiVersion).group} installedBy composition "${installer}", which is not among the compositions RBAC is generated for: kubify cannot create its claim`,
          path: `spec.requires[${i}].installedBy.composition`,
          file: `Composition/${c.name}`,
        });
    }
  }

  const labels = { 'app.kubernetes.io/name': 'kubify' };
  const subjects = [{ kind: 'ServiceAccount', name: serviceAccount, namespace }];
  const roleRef = (kind: string): { apiGroup: string; kind: string; name: string } => ({
    apiGroup: 'rbac.authorization.k8s.io',
    kind,
    name,
  });
  const lease = new RuleSet();
  lease.add('coordination.k8s.io', ['leases'], ['create']);
  lease.add('coordination.k8s.io', ['leases'], ['get', 'update'], [options.leaseName ?? 'kubify-operator']);
  // The webhook's self-managed CA and serving certificate (create cannot be limited to a name).
  lease.add('', ['secrets'], ['create']);
  lease.add('', ['secrets'], ['get', 'update'], [options.webhookSecretName ?? 'kubify-webhook-cert']);
  const objects: RbacObject[] = [
    { apiVersion: RBAC_API, kind: 'ClusterRole', metadata: { name, labels }, rules: cluster.rules() },
    {
      apiVersion: RBAC_API,
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: roleRef('ClusterRole'),
      subjects,
    },
    { apiVersion: RBAC_API, kind: 'Role', metadata: { name, namespace, labels }, rules: lease.rules() },
    {
      apiVersion: RBAC_API,
      kind: 'RoleBinding',
      metadata: { name, namespace, labels },
      roleRef: roleRef('Role'),
      subjects,
    },
  ];
  return { objects, problems };
}

/** The REST resource (plural) of `kind` in `group`, or undefined with a Fatal problem. */
function resolveResource(
  c: CompiledComposition,
  index: number,
  kind: string,
  group: string,
  overrides: ReadonlyMap<string, string>,
  claimResources: ReadonlyMap<string, string>,
  problems: Problem[],
): string | undefined {
  const key = `${kind}.${group}`;
  const known = overrides.get(key) ?? claimResources.get(key) ?? KNOWN_RESOURCES[key];
  if (known !== undefined) return known;
  const path = `spec.resources[${index}].template`;
  const file = `Composition/${c.name}`;
  if (BUILTIN_GROUPS.has(group)) {
    problems.push({
      code: 'rbac.unknown-kind',
      message: `composes ${key}, a built-in API group kubify has no resource name for: add it to KNOWN_RESOURCES in engine/controller/rbac.ts or set the annotation ${RBAC_RESOURCES_ANNOTATION}: "${key}=<plural>"`,
      path,
      file,
    });
    return undefined;
  }
  const guess = pluralize(kind.toLowerCase());
  problems.push({
    code: 'rbac.guessed-resource',
    severity: 'Warning',
    message: `composes ${key}, a kind kubify does not know: its resource is assumed to be "${guess}"; if the CRD says otherwise set the annotation ${RBAC_RESOURCES_ANNOTATION}: "${key}=<plural>"`,
    path,
    file,
  });
  return guess;
}

/** Parses the override annotation: `Kind.group=plural` entries separated by commas or whitespace. */
function parseOverrides(c: CompiledComposition, problems: Problem[]): Map<string, string> {
  const out = new Map<string, string>();
  const text = c.composition.metadata.annotations?.[RBAC_RESOURCES_ANNOTATION];
  if (text === undefined) return out;
  for (const entry of text.split(/[\s,]+/).filter((e) => e !== '')) {
    const match = /^([A-Z][A-Za-z0-9]*)\.?([a-z0-9.-]*)=([a-z0-9][a-z0-9.-]*)$/.exec(entry);
    if (!match) {
      problems.push({
        code: 'rbac.bad-annotation',
        message: `annotation ${RBAC_RESOURCES_ANNOTATION}: "${entry}" is not Kind.group=plural (use Kind=plural for the core group)`,
        path: `metadata.annotations.${RBAC_RESOURCES_ANNOTATION}`,
        file: `Composition/${c.name}`,
      });
      continue;
    }
    out.set(`${match[1] ?? ''}.${match[2] ?? ''}`, match[3] ?? '');
  }
  return out;
}
