import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import {
  createKubeClient,
  EventRecorder,
  LeaderElector,
  LeaseFence,
  SharedInformerFactory,
  type InformerStats,
  type SharedInformerFactoryOptions,
  stripManagedFields,
  type KubeObject,
} from '../kube/index.ts';
import { ArtifactServer } from './artifacts/server.ts';
import { AuditLog, whoAmI } from './audit.ts';
import { CompositionController } from './composition-controller.ts';
import { ProgramSourceController } from './program-source-controller.ts';
import { serveEndpoints, splitHostPort } from './http-endpoints.ts';
import { createLogger, type Logger, type LogLevel } from './logger.ts';
import { ControllerMetrics } from './metrics.ts';
import { WebhookCertificates, webhookHosts } from './webhook/certificates.ts';
import { serveWebhook, type WebhookServer } from './webhook/server.ts';

/** A loaded kubeconfig (`loadKubeConfig` from engine/kube). */
type KubeConfig = Parameters<typeof createKubeClient>[0]['kubeConfig'];

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  /** Namespace of the leader-election Lease (and the operator's own objects). */
  namespace: string;
  metricsBindAddress?: string;
  healthBindAddress?: string;
  /** Where the program artifact server listens (`:8090`); absent: ProgramSources are not served. */
  artifactBindAddress?: string;
  /** The artifact server's base URL as PKO's workspace pods reach it. Default: `http://127.0.0.1:<port>`. */
  artifactAdvertiseUrl?: string;
  leaderElect?: boolean;
  leaseName?: string;
  leaseDurationMs?: number;
  workers?: number;
  resyncMs?: number;
  /** Create installer claims for missing upstream APIs (`requires[].installedBy`). Default true. */
  autoInstall?: boolean;
  logLevel?: LogLevel;
  logger?: Logger;
  /** Where audit lines (one JSON object per change) go. Default: stdout. */
  auditWrite?: (line: string) => void;
  registry?: Registry;
  identity?: string;
  /** Informer settings (tests: `watchTimeoutSeconds: 0` lets the server's --min-request-timeout end watches). */
  informers?: Pick<SharedInformerFactoryOptions, 'watchTimeoutSeconds' | 'backoff' | 'minWatchMs'>;
  /** `User-Agent` of the operator's requests. Default `kubify-operator/<identity>`. */
  userAgent?: string;
  /** The validating admission webhook for Compositions, served by every replica; absent: not served. */
  webhook?: WebhookOptions;
}

export interface WebhookOptions {
  /** `host:port` of the HTTPS server (`:9443`; port 0 picks one). */
  bindAddress: string;
  /** `tls.crt` and `tls.key` (e.g. from cert-manager); absent: a self-signed CA kept in a Secret. */
  certDir?: string;
  /** Default `kubify-webhook-cert`. */
  secretName?: string;
  /** The ValidatingWebhookConfiguration to publish the self-managed CA in. Default `kubify`. */
  configurationName?: string;
  /** The Service in front of the webhook, for the certificate's names. Default `kubify-webhook`. */
  serviceName?: string;
  /** How often the key pair is re-read or renewed, and the CA re-published. Default 10 minutes. */
  refreshMs?: number;
}

export const WEBHOOK_DEFAULTS = {
  secretName: 'kubify-webhook-cert',
  configurationName: 'kubify',
  serviceName: 'kubify-webhook',
  refreshMs: 10 * 60_000,
} as const;

export interface Operator {
  metrics: ControllerMetrics;
  compositions(): CompositionController | undefined;
  isLeader(): boolean;
  /** The identity in the Lease (and in the User-Agent). */
  identity: string;
  /** Writes refused because this replica might no longer hold the lease. */
  fencedWrites(): number;
  /** List/watch counters summed over the informers alive now. */
  informerStats(): InformerStats;
  /** Bound ports of the endpoints (`0` binds pick free ones). */
  ports: { metrics?: number; health?: number; artifacts?: number; webhook?: number };
  stop(): Promise<void>;
}

/**
 * Wires the operator: one API client with a shared agent, a shared informer factory (managedFields
 * stripped from the caches), metrics and health endpoints, an event recorder, and — when leading —
 * the Composition controller with its claim controllers.
 */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const logger = options.logger ?? createLogger(options.logLevel ?? 'info');
  const registry = options.registry ?? new Registry();
  const metrics = new ControllerMetrics(registry);
  const kubeLogger = logger.with({ component: 'kube' });
  const identity =
    options.identity ?? `${process.env.POD_NAME ?? hostname()}-${randomBytes(3).toString('hex')}`;
  // Lease timing: the fence lets writes through until (last renewal sent) + renewDeadline, and another
  // replica can take the lease no earlier than (last renewal sent) + leaseDuration.
  // A crashed leader is replaced within leaseDuration + 2 × 1.2 × retryPeriod: 14.8 s by default.
  const leaseDurationMs = options.leaseDurationMs ?? 10_000;
  const renewDeadlineMs = Math.floor(leaseDurationMs * 0.66);
  const retryPeriodMs = Math.max(200, Math.min(2_000, Math.floor(leaseDurationMs / 5)));
  const fence = options.leaderElect ? new LeaseFence({ validForMs: renewDeadlineMs }) : undefined;
  const client = createKubeClient({
    kubeConfig: options.kubeConfig,
    namespace: options.namespace,
    logger: kubeLogger,
    userAgent: options.userAgent ?? `kubify-operator/${identity}`,
    onRequest: (r) => metrics.apiRequests.inc({ verb: r.verb, code: String(r.code) }),
    ...(fence ? { writeFence: fence } : {}),
  });
  const recorder = new EventRecorder({
    client,
    reportingController: 'kubify.io/operator',
    reportingInstance: identity,
    logger: kubeLogger,
  });
  const events = {
    event: (object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void =>
      recorder.event(object, { type, reason, action: 'Reconcile', note: message.slice(0, 1024) }),
  };
  const audit = new AuditLog({
    client,
    actor: async () => (await whoAmI(client)) ?? identity,
    source: 'operator',
    instance: identity,
    write: options.auditWrite ?? ((line) => process.stdout.write(`${line}\n`)),
  });
  const factory = new SharedInformerFactory(client, {
    transform: stripManagedFields,
    logger: kubeLogger,
    ...options.informers,
  });
  factory.start();
  let artifacts: { server: ArtifactServer; port: number; programs: ProgramSourceController } | undefined;
  if (options.artifactBindAddress) {
    const server = new ArtifactServer();
    const [host, port] = splitHostPort(options.artifactBindAddress);
    const address = await server.listen(Number(port), host);
    const programs = new ProgramSourceController({
      client,
      factory,
      server,
      advertiseUrl: options.artifactAdvertiseUrl ?? `http://127.0.0.1:${address.port}`,
      metrics,
      logger: logger.with({ controller: 'programsource' }),
    });
    artifacts = { server, port: address.port, programs };
    programs
      .start()
      .catch((err: unknown) => logger.error('program source controller failed to start', { error: err }));
  }
  // Every replica serves the webhook (the API server may call any of them), leader or not.
  let webhook: { server: WebhookServer; certs: WebhookCertificates } | undefined;
  if (options.webhook) {
    const w = { ...WEBHOOK_DEFAULTS, ...options.webhook };
    const webhookLogger = logger.with({ component: 'webhook' });
    const server = await serveWebhook(w.bindAddress, webhookLogger);
    const certs = new WebhookCertificates({
      client,
      namespace: options.namespace,
      ...(w.certDir !== undefined ? { certDir: w.certDir } : {}),
      secretName: w.secretName,
      configurationName: w.configurationName,
      hosts: webhookHosts(w.serviceName, options.namespace),
      refreshMs: w.refreshMs,
      logger: webhookLogger,
      onKeyPair: (cert, key) => server.setKeyPair(cert, key),
    });
    webhook = { server, certs };
    await certs.start();
  }
  let controller: CompositionController | undefined;
  let starting: Promise<void> | undefined;
  const startControllers = (): void => {
    controller = new CompositionController({
      client,
      factory,
      events,
      audit,
      metrics,
      logger,
      workers: options.workers ?? 16,
      resyncMs: options.resyncMs ?? 10 * 60_000,
      ...(options.autoInstall === false ? {} : { autoInstall: { namespace: options.namespace } }),
    });
    artifacts?.programs.setLeading(true);
    const c = controller;
    starting = c.start().catch((err: unknown) => logger.error('controllers failed to start', { error: err }));
  };
  // Stop first, then wait for a start-up still in progress: stopping releases the informers a start-up
  // may be waiting on (one that can never sync, say for lack of an RBAC rule), so stop never hangs.
  const stopControllers = async (): Promise<void> => {
    artifacts?.programs.setLeading(false);
    const c = controller;
    controller = undefined;
    await c?.stop();
    await starting;
  };
  // Ready once the caches this replica needs are synced: the controllers' when it leads (or runs
  // without leader election), the program artifacts' always. A standby replica is ready to serve them.
  const ready = {
    name: 'caches',
    check: () =>
      (artifacts ? artifacts.programs.hasSynced() : true) &&
      (webhook ? webhook.server.hasKeyPair() : true) &&
      (options.leaderElect && elector?.isLeader() !== true ? true : Boolean(controller?.hasSynced())),
  };
  const endpoints = await Promise.all([
    options.metricsBindAddress ? serveEndpoints(options.metricsBindAddress, registry, [ready]) : undefined,
    options.healthBindAddress ? serveEndpoints(options.healthBindAddress, undefined, [ready]) : undefined,
  ]);
  let elector: LeaderElector | undefined;
  if (options.leaderElect) {
    elector = new LeaderElector({
      client: client.unfenced(),
      logger: kubeLogger,
      namespace: options.namespace,
      name: options.leaseName ?? 'kubify-operator',
      identity,
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
      ...(fence ? { fence } : {}),
      onStartedLeading: () => {
        logger.info('became leader', { identity });
        startControllers();
      },
      onStoppedLeading: async () => {
        logger.info('stopped leading', { identity });
        await stopControllers();
        // On a graceful stop the lease is still held here (released right after): send what the
        // controllers left. After a loss the fence refuses these, as it must.
        await audit.flush();
        await recorder.flush();
      },
    });
    elector.start();
  } else {
    startControllers();
  }
  logger.info('operator started', { identity, leaderElect: Boolean(options.leaderElect) });
  return {
    metrics,
    compositions: () => controller,
    isLeader: () => (elector ? elector.isLeader() : true),
    identity,
    fencedWrites: () => fence?.refused ?? 0,
    informerStats: () => {
      const sum: InformerStats = { lists: 0, watches: 0, errors: 0, relists: 0 };
      for (const i of factory.informers()) {
        sum.lists += i.stats.lists;
        sum.watches += i.stats.watches;
        sum.errors += i.stats.errors;
        sum.relists += i.stats.relists;
      }
      return sum;
    },
    ports: {
      ...(endpoints[0] ? { metrics: endpoints[0].port } : {}),
      ...(endpoints[1] ? { health: endpoints[1].port } : {}),
      ...(webhook ? { webhook: webhook.server.port } : {}),
    },
    stop: async () => {
      if (elector) await elector.stop();
      else await stopControllers();
      webhook?.certs.stop();
      await webhook?.server.close();
      await artifacts?.programs.stop();
      await artifacts?.server.close();
      await audit.flush();
      await recorder.close();
      await factory.stop();
      await Promise.all(endpoints.map((e) => (e ? e.close() : Promise.resolve())));
      client.close();
      logger.info('operator stopped', { identity });
    },
  };
}
