/**
 * Where the kubeconfig comes from, like kubectl: an explicit file; else every file in `$KUBECONFIG`
 * (merged: the first file to define a name wins, the first current-context wins; missing files are
 * skipped); else `~/.kube/config`; else the pod's service account (in-cluster).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { availableContexts, KubeConfigData, readKubeConfigFile } from './kubeconfig-data.ts';
import { mergeKubeConfigs } from './kubeconfig-parse.ts';
import type { KubeConfigContent } from './kubeconfig-types.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface LoadKubeConfigOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, or in-cluster service account. */
  kubeconfig?: string;
  /** The context to use instead of the current one. */
  context?: string;
  /** Where `KUBECONFIG`, `KUBERNETES_SERVICE_HOST/PORT` and `POD_NAMESPACE` are read; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** For `~/.kube/config`; default os.homedir(). */
  homeDir?: string;
  /** The in-cluster service-account directory (token, ca.crt, namespace). */
  serviceAccountDir?: string;
}

function isEmpty(c: KubeConfigContent): boolean {
  return !c.clusters.length && !c.users.length && !c.contexts.length && !c.currentContext;
}

/**
 * The pod's service account when running in a cluster (`KUBERNETES_SERVICE_HOST` and `_PORT` set and a
 * token file present), else undefined. The token is a `tokenFile`: re-read as the kubelet rotates it.
 */
export function inClusterConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  dir: string = SERVICE_ACCOUNT_DIR,
): KubeConfigContent | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const caFile = join(dir, 'ca.crt');
  let namespace = env.POD_NAMESPACE;
  if (!namespace) {
    try {
      namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim();
    } catch {
      namespace = undefined;
    }
  }
  const name = 'in-cluster';
  return {
    clusters: [
      {
        name,
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        skipTLSVerify: false,
        ...(existsSync(caFile) ? { caFile } : {}),
      },
    ],
    users: [{ name, tokenFile }],
    contexts: [{ name, cluster: name, user: name, ...(namespace ? { namespace } : {}) }],
    currentContext: name,
  };
}

/** Loads a kubeconfig the way kubectl does (file, $KUBECONFIG, default locations, in-cluster). */
export function loadKubeConfigData(options: LoadKubeConfigOptions = {}): KubeConfigData {
  const env = options.env ?? process.env;
  let content: KubeConfigContent;
  let where: string;
  if (options.kubeconfig) {
    content = readKubeConfigFile(options.kubeconfig);
    where = options.kubeconfig;
  } else {
    const fromEnv = [...new Set((env.KUBECONFIG ?? '').split(delimiter).filter(Boolean))];
    const files = fromEnv.length ? fromEnv : [join(options.homeDir ?? homedir(), '.kube', 'config')];
    where = fromEnv.length ? `$KUBECONFIG (${fromEnv.join(delimiter)})` : (files[0] ?? '~/.kube/config');
    content = mergeKubeConfigs(files.filter((f) => existsSync(f)).map(readKubeConfigFile));
    if (isEmpty(content)) {
      const inCluster = inClusterConfig(env, options.serviceAccountDir);
      if (!inCluster)
        throw new Error(
          `no kubeconfig found: nothing in ${where} and not running in a cluster ` +
            '(pass --kubeconfig, set $KUBECONFIG or create ~/.kube/config)',
        );
      content = inCluster;
      where = 'the in-cluster service account';
    }
  }
  const kc = new KubeConfigData(content);
  if (options.context && !kc.getContextObject(options.context))
    throw new Error(`context "${options.context}" not found in ${where} (${availableContexts(kc.contexts)})`);
  if (options.context) kc.setCurrentContext(options.context);
  return kc;
}
