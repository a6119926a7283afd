import type { KubeObject } from '../../../engine/kube/index.ts';

/** A Composition object for tests: claim kind `Widget` in `group`, with the given resources. */
export function widgetComposition(
  name: string,
  group: string,
  resources: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'kubify.io/v1alpha1',
    kind: 'Composition',
    metadata: { name },
    spec: {
      api: {
        group,
        version: 'v1alpha1',
        kind: 'Widget',
        schema: {
          type: 'object',
          properties: {
            color: { type: 'string', default: 'blue' },
            extra: { type: 'boolean', default: false },
            size: { type: 'integer', default: 1 },
          },
        },
      },
      resources,
      ...extra,
    },
  };
}

export const configResource = {
  id: 'config',
  template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  color: "{{claim.spec.color}}"\n',
};

export const extraResource = {
  id: 'extra',
  includeWhen: '{{claim.spec.extra}}',
  template: 'apiVersion: v1\nkind: Secret\nstringData:\n  color: "{{claim.spec.color}}"\n',
};

export function widget(
  group: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): KubeObject {
  return { apiVersion: `${group}/v1alpha1`, kind: 'Widget', metadata: { name, namespace }, spec };
}

export interface ConditionLike {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function condition(obj: KubeObject | undefined, type: string): ConditionLike | undefined {
  return (obj?.status as { conditions?: ConditionLike[] } | undefined)?.conditions?.find(
    (c) => c.type === type,
  );
}

export function widgetRef(
  group: string,
  namespace: string,
  name: string,
): { apiVersion: string; kind: string; namespace: string; name: string } {
  return { apiVersion: `${group}/v1alpha1`, kind: 'Widget', namespace, name };
}
