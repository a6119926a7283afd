import { HttpKubeClient, type HttpKubeClientOptions } from './http-client.ts';
import { HttpsTransport, type HttpsTransportOptions } from './https-transport.ts';
import type { KubeConfigSource } from './kubeconfig-credentials.ts';
import type { KubeConfigData } from './kubeconfig-data.ts';
import { loadKubeConfigData, type LoadKubeConfigOptions } from './kubeconfig-load.ts';

export type { LoadKubeConfigOptions } from './kubeconfig-load.ts';
export type { KubeConfigSource } from './kubeconfig-credentials.ts';

/**
 * Loads a kubeconfig the way kubectl does (file, $KUBECONFIG merged, ~/.kube/config, in-cluster) with
 * kubify's own small loader: `@kubernetes/client-node` is imported only for legacy auth-provider users.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfigData {
  return loadKubeConfigData(options);
}

/** The namespace of the kubeconfig's current context, or `default`. */
export function contextNamespace(kc: KubeConfigSource): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}

export interface CreateKubeClientOptions
  extends Omit<HttpKubeClientOptions, 'transport' | 'defaultNamespace'>, HttpsTransportOptions {
  /** From `loadKubeConfig` (or a client-node `KubeConfig`). */
  kubeConfig: KubeConfigSource;
  /** Overrides the context's namespace. */
  namespace?: string;
}

/** The production client: node:https with shared keep-alive agents, auth from the kubeconfig. */
export function createKubeClient(options: CreateKubeClientOptions): HttpKubeClient {
  const {
    kubeConfig,
    namespace,
    maxSockets,
    requestTimeoutMs,
    idleSocketTimeoutMs,
    credentials,
    userAgent,
    ...rest
  } = options;
  const transport = new HttpsTransport(kubeConfig, {
    ...(maxSockets !== undefined ? { maxSockets } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(idleSocketTimeoutMs !== undefined ? { idleSocketTimeoutMs } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    ...(userAgent !== undefined ? { userAgent } : {}),
  });
  return new HttpKubeClient({
    ...rest,
    transport,
    defaultNamespace: namespace ?? contextNamespace(kubeConfig),
  });
}
