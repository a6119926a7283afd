import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createKubeClient, type CreateKubeClientOptions } from '../../../engine/kube/kubeconfig.ts';
import type { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import { installCrd as installCrdObject } from '../../support/operator.ts';

export { eventually } from '../../support/http.ts';

export async function adminClient(options: Partial<CreateKubeClientOptions> = {}): Promise<HttpKubeClient> {
  return createKubeClient({ kubeConfig: await adminKubeConfig(), logger: silentLogger, ...options });
}

export function fixture(name: string): KubeObject {
  const path = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return parse(readFileSync(path, 'utf8')) as KubeObject;
}

/** Applies a CRD fixture, waits until it is Established and served; returns it as first applied. */
export async function installCrd(client: HttpKubeClient, name: string): Promise<KubeObject> {
  return installCrdObject(client, fixture(name));
}
