/**
 * The cluster `kubify install` and `kubify operator` talk to: `--kubeconfig` and `--context`, loaded the way kubectl does.
 */
import { createKubeClient, loadKubeConfig, silentLogger, type HttpKubeClient } from '../../kube/index.ts';
import { UsageError } from '../context.ts';

export type KubeConfig = ReturnType<typeof loadKubeConfig>;

export interface KubeTargetFlags {
  kubeconfig?: string;
  context?: string;
}

/** Loads the kubeconfig; a missing file or context is a usage error naming it. */
export function loadTarget(flags: KubeTargetFlags): KubeConfig {
  try {
    return loadKubeConfig({
      ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
      ...(flags.context ? { context: flags.context } : {}),
    });
  } catch (error) {
    throw new UsageError(`cannot load kubeconfig: ${(error as Error).message}`);
  }
}

/** `context <name> (<server>)`, for the first progress line. */
export function describeTarget(kc: KubeConfig): string {
  const server = kc.getCurrentCluster()?.server ?? 'unknown server';
  return `context ${kc.getCurrentContext() || '(none)'} (${server})`;
}

export function targetClient(kc: KubeConfig, fieldManager: string): HttpKubeClient {
  return createKubeClient({ kubeConfig: kc, fieldManager, logger: silentLogger });
}
