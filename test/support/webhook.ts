/**
 * An in-process operator serving the admission webhook on a free loopback port, registered with the shared
 * control plane by URL (as deploy/webhook.yaml registers the Service), with its self-managed certificates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeClient, KubeObject } from '../../engine/kube/index.ts';
import { eventually } from './http.ts';
import { denial, kubectl } from './kubectl.ts';
import { startTestOperator, type TestOperator } from './operator.ts';

export const VWC = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration' };

export interface WebhookNames {
  /** The ValidatingWebhookConfiguration (cluster-scoped: unique per test file). */
  configurationName: string;
  /** The certificate Secret in kubify-system. */
  secretName: string;
}

/** deploy/webhook.yaml's configuration, pointed at `https://127.0.0.1:<port>` instead of the Service. */
export function webhookConfiguration(name: string, port: number): KubeObject {
  return {
    ...VWC,
    metadata: { name },
    webhooks: [
      {
        name: 'compositions.kubify.io',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Ignore',
        timeoutSeconds: 10,
        clientConfig: { url: `https://127.0.0.1:${port}/validate/compositions` },
        rules: [
          {
            apiGroups: ['kubify.io'],
            apiVersions: ['*'],
            resources: ['compositions'],
            operations: ['CREATE', 'UPDATE'],
            scope: 'Cluster',
          },
        ],
      },
    ],
  };
}

export function startWebhookOperator(names: WebhookNames): Promise<TestOperator> {
  return startTestOperator({
    webhook: {
      bindAddress: '127.0.0.1:0',
      configurationName: names.configurationName,
      secretName: names.secretName,
      refreshMs: 500,
    },
  });
}

/**
 * Registers the operator's webhook and waits until the API server calls it: the CA bundle is published
 * and a server-side dry run of `probe` (a Composition that does not compile) is denied.
 */
export async function registerWebhook(
  client: KubeClient,
  op: TestOperator,
  names: WebhookNames,
  dir: string,
  probe: KubeObject,
): Promise<void> {
  const port = op.operator.ports.webhook;
  if (port === undefined) throw new Error('the operator serves no webhook');
  await client.apply(webhookConfiguration(names.configurationName, port));
  await eventually('the CA bundle in the webhook configuration', async () => {
    const vwc = await client.get({ ...VWC, name: names.configurationName });
    const hooks = (vwc as { webhooks?: { clientConfig?: { caBundle?: string } }[] }).webhooks ?? [];
    return hooks[0]?.clientConfig?.caBundle !== undefined;
  });
  const file = join(dir, 'webhook-probe.yaml');
  writeFileSync(file, stringify(probe));
  await eventually(
    'the API server to call the webhook',
    async () => denial((await kubectl(['apply', '--dry-run=server', '-f', file])).stderr),
    60_000,
  );
}

export async function unregisterWebhook(client: KubeClient, names: WebhookNames): Promise<void> {
  await client.delete({ ...VWC, name: names.configurationName }).catch(() => undefined);
  await client
    .delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'kubify-system', name: names.secretName })
    .catch(() => undefined);
}
