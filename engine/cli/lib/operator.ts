/**
 * `kubify operator` flags -> `startOperator` options: durations (`15s`, `1m30s`), bind addresses (`:8080`,
 * `127.0.0.1:0`, `0` to disable), workers and log level, with usage errors that name the flag.
 */
import type { OperatorOptions } from '../../controller/operator.ts';
import type { LogLevel } from '../../controller/logger.ts';
import { splitHostPort } from '../../controller/http-endpoints.ts';
import { UsageError } from '../context.ts';

export interface OperatorFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  artifactBindAddress: string;
  artifactAdvertiseUrl?: string;
  webhookPort: string;
  webhookCertDir?: string;
  leaderElect?: boolean;
  /** commander's negatable `--no-auto-install` / `--auto-install=false`. */
  autoInstall?: boolean | string;
  leaseDuration: string;
  workers: string;
  resyncPeriod: string;
  logLevel: string;
}

/** Used when neither --namespace nor $POD_NAMESPACE says. */
export const DEFAULT_NAMESPACE = 'kubify-system';

/** Flag defaults, as `--help` shows them. */
export const OPERATOR_DEFAULTS = {
  metricsBindAddress: ':8080',
  healthProbeBindAddress: ':8081',
  artifactBindAddress: ':8090',
  webhookPort: '9443',
  leaseDuration: '10s',
  workers: '16',
  resyncPeriod: '10m',
  logLevel: 'info',
} as const;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go-style duration (`300ms`, `15s`, `1m30s`, `2h`) in milliseconds; `0` is zero. */
export function parseDuration(flag: string, text: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new UsageError(`${flag}: invalid duration "${text}": use e.g. 15s, 1m30s, 10m`);
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 0), 0));
}

/** A bind address, or undefined for `0` / empty (the endpoint is disabled). */
export function parseBindAddress(flag: string, text: string): string | undefined {
  if (text === '0' || text === '') return undefined;
  try {
    splitHostPort(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
  return text;
}

export function parseWorkers(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UsageError(`--workers: "${text}" is not a whole number from 1 to 256`);
  return n;
}

export function parseLogLevel(text: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === text);
  if (!level) throw new UsageError(`--log-level: "${text}" is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** `--webhook-port`: a TCP port, or undefined for `0` (the webhook is not served). */
export function parseWebhookPort(text: string): number | undefined {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535)
    throw new UsageError(`--webhook-port: "${text}" is not a port from 0 to 65535`);
  return n === 0 ? undefined : n;
}

/** The operator options the flags describe (everything but the kubeconfig, logger and registry). */
export function operatorOptions(
  flags: OperatorFlags,
  env: Readonly<Record<string, string | undefined>>,
): Omit<OperatorOptions, 'kubeConfig'> {
  const metrics = parseBindAddress('--metrics-bind-address', flags.metricsBindAddress);
  const health = parseBindAddress('--health-probe-bind-address', flags.healthProbeBindAddress);
  const artifacts = parseBindAddress('--artifact-bind-address', flags.artifactBindAddress);
  const leaseDurationMs = parseDuration('--lease-duration', flags.leaseDuration);
  if (flags.leaderElect && leaseDurationMs < 1000)
    throw new UsageError(`--lease-duration: ${flags.leaseDuration} is too short: use at least 1s`);
  if (flags.artifactAdvertiseUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(flags.artifactAdvertiseUrl))
    throw new UsageError(`--artifact-advertise-url: "${flags.artifactAdvertiseUrl}" is not an http(s) URL`);
  const webhookPort = parseWebhookPort(flags.webhookPort);
  if (flags.webhookCertDir !== undefined && webhookPort === undefined)
    throw new UsageError('--webhook-cert-dir: the webhook is disabled (--webhook-port 0)');
  return {
    namespace: flags.namespace || env.POD_NAMESPACE || DEFAULT_NAMESPACE,
    ...(metrics ? { metricsBindAddress: metrics } : {}),
    ...(health ? { healthBindAddress: health } : {}),
    ...(artifacts ? { artifactBindAddress: artifacts } : {}),
    ...(flags.artifactAdvertiseUrl ? { artifactAdvertiseUrl: flags.artifactAdvertiseUrl } : {}),
    ...(webhookPort !== undefined
      ? {
          webhook: {
            bindAddress: `:${webhookPort}`,
            ...(flags.webhookCertDir ? { certDir: flags.webhookCertDir } : {}),
          },
        }
      : {}),
    leaderElect: flags.leaderElect === true,
    autoInstall: parseBool('--auto-install', flags.autoInstall),
    leaseDurationMs,
    workers: parseWorkers(flags.workers),
    resyncMs: parseDuration('--resync-period', flags.resyncPeriod),
    logLevel: parseLogLevel(flags.logLevel),
  };
}

function parseBool(flag: string, value: boolean | string | undefined): boolean {
  if (value === undefined || value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new UsageError(`${flag}: "${String(value)}" is not true or false`);
}

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once. */
export function untilSignal(onSecond: (signal: string) => void): Promise<string> {
  return new Promise((resolve) => {
    let received: string | undefined;
    const handler = (signal: NodeJS.Signals): void => {
      if (received !== undefined) {
        onSecond(signal);
        return;
      }
      received = signal;
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}
