import { KubeConfig } from '@kubernetes/client-node';
import { HttpKubeClient, type HttpKubeClientOptions } from './http-client.ts';
import { HttpsTransport, type HttpsTransportOptions } from './https-transport.ts';

export interface LoadKubeConfigOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, or in-cluster service account. */
  kubeconfig?: string;
  /** The context to use instead of the current one. */
  context?: string;
}

/** Loads a kubeconfig the way kubectl does (file, $KUBECONFIG, default locations, in-cluster). */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context) {
    if (!kc.getContextObject(options.context))
      throw new Error(`kubeconfig has no context "${options.context}"`);
    kc.setCurrentContext(options.context);
  }
  return kc;
}

/** The namespace of the kubeconfig's current context, or `default`. */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}

export interface CreateKubeClientOptions
  extends Omit<HttpKubeClientOptions, 'transport' | 'defaultNamespace'>, HttpsTransportOptions {
  kubeConfig: KubeConfig;
  /** Overrides the context's namespace. */
  namespace?: string;
}

/** The production client: node:https with shared keep-alive agents, auth from the kubeconfig. */
export function createKubeClient(options: CreateKubeClientOptions): HttpKubeClient {
  const { kubeConfig, namespace, maxSockets, requestTimeoutMs, idleSocketTimeoutMs, ...rest } = options;
  const transport = new HttpsTransport(kubeConfig, {
    ...(maxSockets !== undefined ? { maxSockets } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(idleSocketTimeoutMs !== undefined ? { idleSocketTimeoutMs } : {}),
  });
  return new HttpKubeClient({
    ...rest,
    transport,
    defaultNamespace: namespace ?? contextNamespace(kubeConfig),
  });
}
