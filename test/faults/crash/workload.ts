/**
 * The crash suite's workload: N App claims created at once, then spec updates (which also flip the
 * optional `extras` object, so the operator creates and prunes) and deletions (so finalizers matter),
 * half right after the creates and half later. What it does is fixed; only its timing varies.
 */
import { APP_API_VERSION, APP_KIND, appClaim } from '../../bench/app-composition.ts';
import { pool } from '../../bench/stats.ts';
import { NotFoundError, type KubeClient, type KubeObject } from '../../../engine/kube/index.ts';

export interface Workload {
  namespace: string;
  claims: KubeObject[];
  /** Claim name -> the spec fields a merge patch sets. */
  updates: Map<string, Record<string, unknown>>;
  /** Claims deleted during the run. */
  deletes: string[];
}

export const claimName = (i: number): string => `app-${String(i).padStart(5, '0')}`;

/** Claims `0..n-1`; every 5th starts with `extras`; every 7th is updated; every 9th (not updated) deleted. */
export function crashWorkload(namespace: string, n: number): Workload {
  const claims: KubeObject[] = [];
  const updates = new Map<string, Record<string, unknown>>();
  const deletes: string[] = [];
  for (let i = 0; i < n; i++) {
    const claim = appClaim(namespace, i);
    const extras = i % 5 === 0;
    claim.spec = { ...(claim.spec as Record<string, unknown>), extras };
    claims.push(claim);
    if (i % 7 === 3) {
      updates.set(claimName(i), { image: `nginx:2.${i % 5}`, port: 9000 + (i % 500), extras: !extras });
    } else if (i % 9 === 4) {
      deletes.push(claimName(i));
    }
  }
  return { namespace, claims, updates, deletes };
}

const ref = (namespace: string, name: string) => ({
  apiVersion: APP_API_VERSION,
  kind: APP_KIND,
  namespace,
  name,
});

export async function createAll(client: KubeClient, w: Workload, concurrency = 32): Promise<void> {
  await pool(w.claims, concurrency, async (claim) => {
    await client.create(claim);
  });
}

/** Applies half (`part` 0 or 1) of the updates and deletions. */
export async function mutate(client: KubeClient, w: Workload, part: 0 | 1): Promise<void> {
  const half = <T>(items: T[]): T[] => items.filter((_, i) => i % 2 === part);
  await pool(half([...w.updates]), 16, async ([name, spec]) => {
    await client.patch(ref(w.namespace, name), { spec }, { type: 'merge' });
  });
  await pool(half(w.deletes), 16, async (name) => {
    await client.delete(ref(w.namespace, name)).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
    });
  });
}

/** Names of the claims that must exist when the workload is done. */
export function liveClaims(w: Workload): Set<string> {
  const deleted = new Set(w.deletes);
  return new Set(w.claims.map((c) => c.metadata.name!).filter((n) => !deleted.has(n)));
}
