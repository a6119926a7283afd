/**
 * Where the webhook's key pair comes from, kept fresh while the operator runs:
 *
 * - `certDir` (e.g. a cert-manager Certificate's Secret mounted there): `tls.crt` and `tls.key`, re-read
 *   every `refreshMs`; the CA bundle in the ValidatingWebhookConfiguration is someone else's job
 *   (cert-manager's CA injector).
 * - otherwise self-managed: a CA and serving certificate kept in a Secret of the operator's namespace,
 *   so every replica serves the same one; the first replica creates it (a lost create race re-reads),
 *   any replica renews it before it expires, and each writes the CA into the webhook configuration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Backoff,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeClient,
  type KubeObject,
} from '../../kube/index.ts';
import type { Logger } from '../logger.ts';
import { bundleProblem, newCertBundle, servingCert, type CertBundle } from './certs.ts';

export interface WebhookCertOptions {
  client: KubeClient;
  namespace: string;
  /** Directory with `tls.crt` and `tls.key`; absent: self-managed. */
  certDir?: string;
  /** Secret holding the self-managed CA and serving certificate. */
  secretName: string;
  /** ValidatingWebhookConfiguration whose webhooks get the CA bundle (self-managed only). */
  configurationName: string;
  /** Names the serving certificate is valid for. */
  hosts: readonly string[];
  refreshMs: number;
  logger: Logger;
  onKeyPair(cert: string, key: string): void;
  now?: () => Date;
}

const SECRET_KEYS = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'tls.crt', key: 'tls.key' } as const;
const VWC = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration' };

export class WebhookCertificates {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private current = '';
  private readonly backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });

  constructor(private readonly options: WebhookCertOptions) {}

  /** Loads (or creates) the key pair now, then keeps it fresh; failures are retried with backoff. */
  start(): Promise<void> {
    return this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    let delay: number;
    try {
      await this.refresh();
      this.backoff.reset();
      delay = this.options.refreshMs;
    } catch (error) {
      delay = this.backoff.next();
      this.options.logger.warn('webhook certificate refresh failed', { error, retryInMs: delay });
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  /** One round: read or renew the key pair, serve it, and (self-managed) publish the CA. */
  async refresh(): Promise<void> {
    const { certDir } = this.options;
    if (certDir !== undefined) {
      this.serve(
        readFileSync(join(certDir, 'tls.crt'), 'utf8'),
        readFileSync(join(certDir, 'tls.key'), 'utf8'),
      );
      return;
    }
    const bundle = await this.ensureSecret();
    this.serve(bundle.cert, bundle.key);
    await this.injectCaBundle(bundle.caCert);
  }

  private serve(cert: string, key: string): void {
    if (cert + key === this.current) return;
    this.options.onKeyPair(cert, key);
    this.current = cert + key;
    this.options.logger.info('webhook serving certificate loaded');
  }

  private async ensureSecret(): Promise<CertBundle> {
    const { client, namespace, secretName, hosts } = this.options;
    const now = this.options.now?.() ?? new Date();
    const ref = { apiVersion: 'v1', kind: 'Secret', namespace, name: secretName };
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const secret = await client.find(ref);
      const existing = secret ? bundleOf(secret) : undefined;
      const problem = existing
        ? bundleProblem(existing, hosts, now)
        : { replace: 'ca' as const, reason: 'none yet' };
      if (existing && !problem) return existing;
      const bundle =
        existing && problem?.replace === 'serving'
          ? { ...existing, ...servingCert(existing.caCert, existing.caKey, hosts, now) }
          : newCertBundle(hosts, now);
      const body: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: secretName,
          namespace,
          labels: { 'app.kubernetes.io/name': 'kubify', 'app.kubernetes.io/component': 'webhook' },
          ...(secret ? { resourceVersion: secret.metadata.resourceVersion } : {}),
        },
        type: 'Opaque',
        data: Object.fromEntries(
          Object.entries(SECRET_KEYS).map(([field, key]) => [
            key,
            Buffer.from(bundle[field as keyof CertBundle]).toString('base64'),
          ]),
        ),
      };
      try {
        if (secret) await client.update(body);
        else await client.create(body);
        this.options.logger.info('webhook certificate written', {
          secret: secretName,
          reason: problem?.reason,
        });
        return bundle;
      } catch (error) {
        // Another replica wrote it first: use theirs.
        if (isAlreadyExists(error) || isConflict(error)) continue;
        throw error;
      }
    }
    throw new Error(`Secret ${namespace}/${secretName} keeps changing under us`);
  }

  private async injectCaBundle(caPem: string): Promise<void> {
    const { client, configurationName } = this.options;
    const config = await client.find({ ...VWC, name: configurationName });
    if (!config) {
      this.options.logger.debug('no webhook configuration to publish the CA to', { name: configurationName });
      return;
    }
    const caBundle = Buffer.from(caPem).toString('base64');
    const webhooks =
      (config as { webhooks?: { name: string; clientConfig?: { caBundle?: string } }[] }).webhooks ?? [];
    const ops = webhooks.flatMap((w, i) =>
      w.clientConfig?.caBundle === caBundle
        ? []
        : [
            { op: 'test', path: `/webhooks/${i}/name`, value: w.name },
            { op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle },
          ],
    );
    if (ops.length === 0) return;
    try {
      await client.patch({ ...VWC, name: configurationName }, ops, { type: 'json' });
      this.options.logger.info('webhook CA bundle published', { configuration: configurationName });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

function bundleOf(secret: KubeObject): CertBundle | undefined {
  const data = (secret as { data?: Record<string, string> }).data ?? {};
  const read = (key: string): string | undefined =>
    data[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8');
  const caCert = read(SECRET_KEYS.caCert);
  const caKey = read(SECRET_KEYS.caKey);
  const cert = read(SECRET_KEYS.cert);
  const key = read(SECRET_KEYS.key);
  if (!caCert || !caKey || !cert || !key) return undefined;
  return { caCert, caKey, cert, key };
}

/** The DNS names (and loopback) the self-managed serving certificate is made for. */
export function webhookHosts(service: string, namespace: string): string[] {
  return [
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
    'localhost',
    '127.0.0.1',
  ];
}
