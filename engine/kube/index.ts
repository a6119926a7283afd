/** engine/kube: the only code in kubify that talks to the API server. */
export * from './types.ts';
export * from './errors.ts';
export type * from './client.ts';
export type * from './transport.ts';
export { HttpKubeClient, type HttpKubeClientOptions } from './http-client.ts';
export { HttpsTransport, type HttpsTransportOptions } from './https-transport.ts';
export {
  createKubeClient,
  loadKubeConfig,
  contextNamespace,
  type CreateKubeClientOptions,
  type KubeConfigSource,
  type LoadKubeConfigOptions,
} from './kubeconfig.ts';
export { KubeConfigData } from './kubeconfig-data.ts';
export { inClusterConfig } from './kubeconfig-load.ts';
export type {
  AuthProviderConfig,
  ExecConfig,
  KubeCluster,
  KubeConfigContent,
  KubeContext,
  KubeUser,
} from './kubeconfig-types.ts';
export { RestMapper, type RestMapperOptions } from './rest-mapper.ts';
export { discover, type DiscoveryFetch, type DiscoveryResult } from './discovery.ts';
export { Store, type ReadonlyStore, type IndexFunc } from './store.ts';
export {
  Informer,
  stripManagedFields,
  type InformerHandlers,
  type InformerOptions,
  type InformerStats,
  type ListWatchClient,
  type Transform,
} from './informer.ts';
export {
  SharedInformerFactory,
  informerKey,
  type InformerLease,
  type SharedInformerFactoryOptions,
} from './informer-factory.ts';
export { EventRecorder, type EventInput, type EventRecorderOptions } from './event-recorder.ts';
export { LeaseFence, NotLeaderError, isNotLeader, type LeaseFenceOptions, type WriteFence } from './fence.ts';
export { LeaderElector, type Lease, type LeaseSpec, type LeaderElectorOptions } from './leader-elector.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export { systemClock, microTime, type Clock } from './clock.ts';
export { silentLogger, stderrLogger, type KubeLogger } from './logger.ts';
export { labelSelectorString } from './selectors.ts';
export { resourcePath, resourceLabel } from './paths.ts';
