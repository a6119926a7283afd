/**
 * Claims and the objects they composed, as the cluster would hold them, for the trace golden files:
 * a healthy claim, one still pending and one that failed.
 */
import type { KubeObject } from '../../../engine/kube/index.ts';
import type { TraceInput } from '../../../engine/cli/lib/trace-tree.ts';

const NS = 'team-a';

function labels(id: string): Record<string, string> {
  return {
    'kubify.io/claim-name': 'shop',
    'kubify.io/claim-namespace': NS,
    'kubify.io/claim-kind': 'App.apps.kubify.io',
    'kubify.io/resource-id': id,
  };
}

function obj(
  apiVersion: string,
  kind: string,
  name: string,
  extra: Record<string, unknown> = {},
): KubeObject {
  const { metadata, ...rest } = extra as { metadata?: Record<string, unknown> };
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: NS, uid: `uid-${kind}-${name}`, ...metadata },
    ...rest,
  };
}

function owned(parent: KubeObject, child: KubeObject): KubeObject {
  child.metadata.ownerReferences = [
    {
      apiVersion: parent.apiVersion,
      kind: parent.kind,
      name: parent.metadata.name ?? '',
      uid: parent.metadata.uid ?? '',
    },
  ];
  return child;
}

function cond(type: string, status: string, reason: string, message: string): Record<string, string> {
  return { type, status, reason, message, lastTransitionTime: '2025-01-01T00:00:00Z' };
}

function claim(conditions: Record<string, string>[], resources: Record<string, unknown>[]): KubeObject {
  return obj('apps.kubify.io/v1alpha1', 'App', 'shop', {
    spec: { image: 'ghcr.io/acme/shop:1.2.3' },
    status: { compositionRevision: 2, conditions, resources },
  });
}

function entry(
  id: string,
  apiVersion: string,
  kind: string,
  name: string,
  ready: boolean,
  reason: string,
  message: string,
): Record<string, unknown> {
  return { id, apiVersion, kind, name, namespace: NS, ready, reason, message };
}

function workload(podPhases: string[], available: boolean): KubeObject[] {
  const deploy = obj('apps/v1', 'Deployment', 'shop-web', {
    metadata: { labels: labels('web') },
    status: {
      conditions: [
        available
          ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : cond(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ),
      ],
    },
  });
  const rs = owned(
    deploy,
    obj('apps/v1', 'ReplicaSet', 'shop-web-7d9f8', { status: { replicas: podPhases.length } }),
  );
  const pods = podPhases.map((phase, i) =>
    owned(
      rs,
      obj('v1', 'Pod', `shop-web-7d9f8-${['abcde', 'fghij', 'klmno'][i] ?? String(i)}`, {
        status: { phase },
      }),
    ),
  );
  return [deploy, rs, ...pods];
}

export function healthyClaim(): TraceInput {
  const [deploy, ...children] = workload(['Running', 'Running'], true);
  const svc = obj('v1', 'Service', 'shop-web', { metadata: { labels: labels('service') } });
  const db = obj('postgresql.cnpg.io/v1', 'Cluster', 'shop-db', {
    metadata: { labels: labels('db') },
    status: { conditions: [cond('Ready', 'True', 'ClusterIsReady', 'Cluster is Ready')] },
  });
  return {
    claim: claim(
      [
        cond('Synced', 'True', 'ReconcileSuccess', '3 object(s) in sync'),
        cond('Ready', 'True', 'Available', 'all 3 resources are ready'),
      ],
      [
        entry(
          'db',
          'postgresql.cnpg.io/v1',
          'Cluster',
          'shop-db',
          true,
          'Ready',
          'all readiness checks pass',
        ),
        entry('service', 'v1', 'Service', 'shop-web', true, 'Ready', 'the object exists'),
        entry('web', 'apps/v1', 'Deployment', 'shop-web', true, 'Ready', 'all readiness checks pass'),
      ],
    ),
    composed: [deploy!, svc, db],
    owned: children,
  };
}

export function pendingClaim(): TraceInput {
  const [deploy, ...children] = workload(['Running', 'Pending'], false);
  const db = obj('postgresql.cnpg.io/v1', 'Cluster', 'shop-db', {
    metadata: { labels: labels('db') },
    status: { conditions: [cond('Ready', 'False', 'ClusterIsNotReady', 'Setting up primary')] },
  });
  return {
    claim: claim(
      [
        cond(
          'Synced',
          'True',
          'ReconcileSuccess',
          '2 object(s) in sync; waiting: resources.db.status.writeService is not set yet',
        ),
        cond(
          'Ready',
          'False',
          'Waiting',
          'waiting for db (ConditionNotMet), web (ConditionNotMet), service (Pending)',
        ),
      ],
      [
        entry(
          'db',
          'postgresql.cnpg.io/v1',
          'Cluster',
          'shop-db',
          false,
          'ConditionNotMet',
          'condition Ready is False: Setting up primary',
        ),
        entry(
          'service',
          'v1',
          'Service',
          'shop-web',
          false,
          'Pending',
          'waiting for resources.db.status.writeService',
        ),
        entry(
          'web',
          'apps/v1',
          'Deployment',
          'shop-web',
          false,
          'ConditionNotMet',
          'condition Available is False: Deployment does not have minimum availability.',
        ),
      ],
    ),
    composed: [deploy!, db],
    owned: children,
  };
}

export function failedClaim(): TraceInput {
  const db = obj('postgresql.cnpg.io/v1', 'Cluster', 'shop-db', {
    metadata: { labels: labels('db') },
    status: { conditions: [cond('Ready', 'True', 'ClusterIsReady', 'Cluster is Ready')] },
  });
  const message =
    'web: apply Deployment shop-web: Deployment.apps "shop-web" is invalid: spec.template.spec.containers[0].image: Required value';
  return {
    claim: claim(
      [cond('Synced', 'False', 'ApplyFailed', message), cond('Ready', 'False', 'ApplyFailed', message)],
      [
        entry(
          'db',
          'postgresql.cnpg.io/v1',
          'Cluster',
          'shop-db',
          true,
          'Ready',
          'all readiness checks pass',
        ),
        entry(
          'web',
          'apps/v1',
          'Deployment',
          'shop-web',
          false,
          'ApplyFailed',
          'Deployment.apps "shop-web" is invalid: spec.template.spec.containers[0].image: Required value',
        ),
      ],
    ),
    composed: [db],
    owned: [],
  };
}
