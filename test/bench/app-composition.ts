/**
 * The composition every operator scenario runs: an App-like claim (`App.bench.kubify.io`) with five
 * composed objects of core kinds the bare API server serves, no dependencies between them, so a
 * claim converges in one reconcile (finalizer, five applies, one status write).
 */
import type { KubeObject } from '../../engine/kube/index.ts';

export const APP_GROUP = 'bench.kubify.io';
export const APP_VERSION = 'v1alpha1';
export const APP_KIND = 'App';
export const APP_API_VERSION = `${APP_GROUP}/${APP_VERSION}`;
export const APP_COMPOSITION = 'bench-app';
/** Composed objects per claim. */
export const OBJECTS_PER_CLAIM = 5;

const resources = [
  {
    id: 'config',
    template: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      '  image: "{{claim.spec.image}}"',
      '  port: "{{claim.spec.port}}"',
      '  greeting: "hello from {{claim.metadata.name}}"',
      '',
    ].join('\n'),
  },
  {
    id: 'secret',
    template: [
      'apiVersion: v1',
      'kind: Secret',
      'type: Opaque',
      'stringData:',
      '  token: "{{claim.spec.token}}"',
      '',
    ].join('\n'),
  },
  {
    id: 'service',
    template: [
      'apiVersion: v1',
      'kind: Service',
      'spec:',
      '  clusterIP: None', // headless: the bench's /24 service range could not hold 5,000 cluster IPs
      '  selector:',
      '    app: "{{claim.metadata.name}}"',
      '  ports:',
      '    - name: http',
      '      port: {{claim.spec.port}}',
      '      targetPort: {{claim.spec.port}}',
      '',
    ].join('\n'),
  },
  {
    id: 'serviceaccount',
    template: ['apiVersion: v1', 'kind: ServiceAccount', 'automountServiceAccountToken: false', ''].join(
      '\n',
    ),
  },
  {
    id: 'role',
    template: [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: Role',
      'rules:',
      '  - apiGroups: [""]',
      '    resources: [configmaps, secrets]',
      '    resourceNames: ["{{claim.metadata.name}}-config", "{{claim.metadata.name}}-secret"]',
      '    verbs: [get, watch]',
      '',
    ].join('\n'),
  },
];

/**
 * A sixth, optional resource (fault suites): a ConfigMap composed only while `claim.spec.extras` is
 * true, so flipping it on a claim makes the operator create or prune an object.
 */
export const EXTRAS_RESOURCE = {
  id: 'extras',
  includeWhen: '{{claim.spec.extras}}',
  template: [
    'apiVersion: v1',
    'kind: ConfigMap',
    'data:',
    '  owner: "{{claim.metadata.name}}"',
    '  image: "{{claim.spec.image}}"',
    '',
  ].join('\n'),
};

export interface AppCompositionOptions {
  /** Adds the `extras` resource and the boolean `spec.extras` (default false) it is included by. */
  extras?: boolean;
  /** `spec.deletion` (absent: the default, Foreground). */
  deletion?: 'Foreground' | 'Background';
}

/** The Composition object (templates inline), as installed into the cluster. */
export function appComposition(options: AppCompositionOptions = {}): KubeObject {
  const extras = options.extras === true;
  return {
    apiVersion: 'kubify.io/v1alpha1',
    kind: 'Composition',
    metadata: { name: APP_COMPOSITION },
    spec: {
      api: {
        group: APP_GROUP,
        version: APP_VERSION,
        kind: APP_KIND,
        scope: 'Namespaced',
        schema: {
          type: 'object',
          properties: {
            image: { type: 'string', default: 'nginx:1.27' },
            port: { type: 'integer', minimum: 1, maximum: 65535, default: 8080 },
            token: { type: 'string', default: 'not-a-secret' },
            ...(extras ? { extras: { type: 'boolean', default: false } } : {}),
          },
        },
      },
      resources: extras ? [...resources, EXTRAS_RESOURCE] : resources,
      ...(options.deletion ? { deletion: options.deletion } : {}),
    },
  };
}

/** Claim number `i` in `namespace`: `app-00042`. */
export function appClaim(namespace: string, i: number, prefix = 'app'): KubeObject {
  return {
    apiVersion: APP_API_VERSION,
    kind: APP_KIND,
    metadata: { name: `${prefix}-${String(i).padStart(5, '0')}`, namespace },
    spec: { image: `nginx:1.${20 + (i % 8)}`, port: 8000 + (i % 1000), token: `token-${i}` },
  };
}
