import { Command } from 'commander';
import { createLogger } from '../../controller/logger.ts';
import { startOperator } from '../../controller/operator.ts';
import type { CommandFactory } from '../command.ts';
import { loadTarget } from '../lib/install-target.ts';
import {
  DEFAULT_NAMESPACE,
  OPERATOR_DEFAULTS as D,
  operatorOptions,
  untilSignal,
  type OperatorFlags,
} from '../lib/operator.ts';

export const operatorCommand: CommandFactory = (ctx) =>
  new Command('operator')
    .description(
      'Run the kubify operator: serve every Composition, reconcile its claims, serve Pulumi programs.',
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option(
      '--namespace <ns>',
      `namespace of the leader-election Lease (default: $POD_NAMESPACE or ${DEFAULT_NAMESPACE})`,
    )
    .option(
      '--metrics-bind-address <addr>',
      'serve /metrics (and probes) here; 0 disables',
      D.metricsBindAddress,
    )
    .option(
      '--health-probe-bind-address <addr>',
      'serve /healthz and /readyz here; 0 disables',
      D.healthProbeBindAddress,
    )
    .option(
      '--artifact-bind-address <addr>',
      'serve Pulumi program tarballs here; 0 disables',
      D.artifactBindAddress,
    )
    .option(
      '--artifact-advertise-url <url>',
      'base URL of the artifact server as PKO workspace pods reach it',
    )
    .option(
      '--webhook-port <port>',
      'serve the validating admission webhook for Compositions (HTTPS) on this port; 0 disables',
      D.webhookPort,
    )
    .option(
      '--webhook-cert-dir <dir>',
      'tls.crt and tls.key for the webhook, e.g. a mounted cert-manager Secret (default: a self-signed CA kept in the Secret kubify-webhook-cert, its CA bundle written into the ValidatingWebhookConfiguration kubify)',
    )
    .option('--leader-elect', 'elect a leader through a Lease: only the leader reconciles (run 2+ replicas)')
    .option(
      '--lease-duration <duration>',
      'how long a leader holds the Lease without renewing it',
      D.leaseDuration,
    )
    .option(
      '--auto-install [bool]',
      'create the installer claim (requires[].installedBy) when a required upstream API is missing; --auto-install=false to install operators yourself',
    )
    .option('--workers <n>', 'concurrent reconciles per claim kind', D.workers)
    .option(
      '--resync-period <duration>',
      'requeue every claim this often (no writes when nothing changed); 0 disables',
      D.resyncPeriod,
    )
    .option('--log-level <level>', 'debug, info, warn or error (JSON lines on stderr)', D.logLevel)
    .addHelpText(
      'after',
      `
Logs are JSON lines on stderr. SIGTERM or SIGINT stops the operator gracefully (the Lease is released, so a
standby replica takes over at once) and exits 0; a second signal exits immediately.

Examples:
  # in a cluster (deploy/operator.yaml runs this)
  kubify operator --leader-elect

  # locally against the current context, on free ports
  kubify operator --metrics-bind-address 127.0.0.1:0 --health-probe-bind-address 127.0.0.1:0 \\
    --artifact-bind-address 0 --webhook-port 0 --log-level debug

  # against a kind/minikube cluster, with Pulumi programs reachable from its pods
  kubify operator --context kind-dev --artifact-advertise-url http://host.docker.internal:8090`,
    )
    .action(async (flags: OperatorFlags) => {
      const options = operatorOptions(flags, ctx.io.env);
      const kubeConfig = loadTarget(flags);
      const logger = createLogger(options.logLevel ?? 'info');
      const operator = await startOperator({ ...options, kubeConfig, logger });
      const at = (bind: string | undefined, port: number | undefined): string | undefined =>
        bind === undefined || port === undefined
          ? undefined
          : `${bind.slice(0, bind.lastIndexOf(':'))}:${port}`;
      logger.info('serving', {
        metrics: at(options.metricsBindAddress, operator.ports.metrics),
        health: at(options.healthBindAddress, operator.ports.health),
        webhook: at(options.webhook?.bindAddress, operator.ports.webhook),
        namespace: options.namespace,
      });
      const signal = await untilSignal((second) => {
        logger.warn('second signal: exiting without cleanup', { signal: second });
        process.exit(1);
      });
      logger.info('shutting down', { signal });
      await operator.stop();
    });
