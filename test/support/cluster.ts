import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../../engine/controlplane/index.ts';

let shared: Promise<ControlPlane> | undefined;

/**
 * The one control plane of this test run, started on first use and stopped by the global
 * teardown in hooks.ts (and by the control plane's own exit hook and watchdog otherwise).
 */
export function sharedControlPlane(): Promise<ControlPlane> {
  shared ??= startControlPlane({
    onProgress: (line) => {
      if (process.env.KUBIFY_TEST_VERBOSE) process.stderr.write(`${line}\n`);
    },
  });
  return shared;
}

export async function stopSharedControlPlane(): Promise<void> {
  if (!shared) return;
  const cp = await shared.catch(() => undefined);
  shared = undefined;
  await cp?.stop();
}

export async function adminKubeConfig(): Promise<KubeConfig> {
  const cp = await sharedControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  return kc;
}

let counter = 0;

/** Creates a fresh namespace for one test: `<prefix>-<n>-<random>`. */
export async function newNamespace(prefix = 'test'): Promise<string> {
  const kc = await adminKubeConfig();
  const name = `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`.slice(0, 63);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}
