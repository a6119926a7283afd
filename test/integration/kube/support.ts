import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createKubeClient, type CreateKubeClientOptions } from '../../../engine/kube/kubeconfig.ts';
import type { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { adminKubeConfig } from '../../support/cluster.ts';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err instanceof Error ? err : new Error(JSON.stringify(err));
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function adminClient(options: Partial<CreateKubeClientOptions> = {}): Promise<HttpKubeClient> {
  return createKubeClient({ kubeConfig: await adminKubeConfig(), logger: silentLogger, ...options });
}

export function fixture(name: string): KubeObject {
  const path = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return parse(readFileSync(path, 'utf8')) as KubeObject;
}

/** Applies a CRD fixture, waits until it is Established and served; returns it as first applied. */
export async function installCrd(client: HttpKubeClient, name: string): Promise<KubeObject> {
  const crd = fixture(name);
  const applied = await client.apply(crd);
  const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string }[] };
  const apiVersion = `${spec.group}/${spec.versions[0]!.name}`;
  await eventually(`CRD ${crd.metadata.name!} established`, async () => {
    const got = await client.get({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name! });
    const conds = (got.status as { conditions?: { type: string; status: string }[] })?.conditions ?? [];
    return conds.some((c) => c.type === 'Established' && c.status === 'True');
  });
  await eventually(`${spec.names.kind} served`, async () => {
    await client.mapper.refresh();
    return client.mapper.peek(apiVersion, spec.names.kind);
  });
  return applied;
}
