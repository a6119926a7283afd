/**
 * The child caches lag behind the API server: an object this operator just applied may not be in its
 * informer cache when the claim's next reconcile runs (a deletion or a spec change arriving right after
 * an apply). Finalize and prune must still see it, or the object is orphaned (finalizer removed) or
 * kept although no longer rendered. Found while building the crash fault suite (test/faults/crash).
 */
import { expect } from 'chai';
import { stringify } from 'yaml';
import { compile } from '../../../../engine/compose/index.ts';
import { ClaimReconciler } from '../../../../engine/controller/claim/reconciler.ts';
import { FINALIZER, type ClaimDeps, type ClaimKind } from '../../../../engine/controller/claim/types.ts';
import { silentLogger } from '../../../../engine/controller/logger.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../../../../engine/kube/index.ts';
import { APP_API_VERSION, APP_GROUP, APP_KIND, appComposition } from '../../../bench/app-composition.ts';

const KIND: ClaimKind = {
  group: APP_GROUP,
  version: 'v1alpha1',
  apiVersion: APP_API_VERSION,
  kind: APP_KIND,
  plural: 'apps',
  namespaced: true,
  kindLabel: `${APP_KIND}.${APP_GROUP}`,
};
const KEY = 'ns/app-00001';

interface Harness {
  reconciler: ClaimReconciler;
  claims: Map<string, KubeObject>;
  calls: string[];
}

function harness(): Harness {
  const compiled = compile({ file: 'composition.yaml', text: stringify(appComposition({ extras: true })) });
  if (!compiled.compiled) throw new Error(JSON.stringify(compiled.problems));
  const claims = new Map<string, KubeObject>();
  const calls: string[] = [];
  let version = 1;
  const client = {
    mapper: { mapping: () => Promise.resolve({ namespaced: true }) },
    apply: (obj: KubeObject) => {
      calls.push(`apply ${obj.kind}/${obj.metadata.name}`);
      const metadata = { ...obj.metadata, uid: `uid-${obj.metadata.name}`, resourceVersion: `${++version}` };
      return Promise.resolve({ ...obj, metadata });
    },
    applyStatus: (obj: KubeObject) => Promise.resolve(obj),
    patch: (ref: ObjectRef, patch: unknown) => {
      calls.push(`patch ${ref.kind}/${ref.name} ${JSON.stringify(patch)}`);
      return Promise.resolve({});
    },
    delete: (ref: ObjectRef) => {
      calls.push(`delete ${ref.kind}/${ref.name}`);
      return Promise.resolve({ outcome: 'deleted' as const });
    },
  } as unknown as KubeClient;
  const deps: ClaimDeps = {
    kind: KIND,
    client,
    claims: { get: (key) => claims.get(key) },
    // the lagging cache: it has not seen any of the children yet
    childrenOf: () => [],
    cached: () => undefined,
    watches: () => true,
    ensureWatches: () => Promise.resolve(),
    composition: () => ({ ok: true, compiled: compiled.compiled, revision: 1 }),
    events: { event: () => undefined },
    logger: silentLogger,
    now: () => new Date(0),
    lastApplied: new Map(),
    applyConcurrency: 8,
  };
  return { reconciler: new ClaimReconciler(deps), claims, calls };
}

function claim(spec: Record<string, unknown>, generation = 1, deleting = false): KubeObject {
  return {
    apiVersion: APP_API_VERSION,
    kind: APP_KIND,
    metadata: {
      name: 'app-00001',
      namespace: 'ns',
      uid: 'claim-uid',
      generation,
      resourceVersion: `${generation}`,
      finalizers: [FINALIZER],
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { image: 'nginx:1.27', port: 8080, token: 't', ...spec },
  };
}

describe('claim reconciler: children the cache has not shown yet', () => {
  it('finalize deletes what was just applied before it removes the finalizer', async () => {
    const h = harness();
    h.claims.set(KEY, claim({ extras: true }));
    await h.reconciler.reconcile(KEY);
    const applied = h.calls.filter((c) => c.startsWith('apply ')).map((c) => c.slice('apply '.length));
    expect(applied).to.have.length(6);
    h.calls.length = 0;
    h.claims.set(KEY, claim({ extras: true }, 1, true));
    await h.reconciler.reconcile(KEY);
    const deleted = h.calls.filter((c) => c.startsWith('delete ')).map((c) => c.slice('delete '.length));
    expect(deleted.sort()).to.deep.equal([...applied].sort());
    const unfinalize = h.calls.findIndex((c) => c.startsWith('patch App/'));
    expect(unfinalize, 'the finalizer is removed').to.be.greaterThan(-1);
    expect(
      h.calls.slice(unfinalize + 1).filter((c) => c.startsWith('delete ')),
      'deletes after it',
    ).to.deep.equal([]);
  });

  it('prune deletes a just-applied object the claim no longer renders', async () => {
    const h = harness();
    h.claims.set(KEY, claim({ extras: true }));
    await h.reconciler.reconcile(KEY);
    h.calls.length = 0;
    h.claims.set(KEY, claim({ extras: false }, 2));
    await h.reconciler.reconcile(KEY);
    expect(h.calls.filter((c) => c.startsWith('delete '))).to.deep.equal([
      'delete ConfigMap/app-00001-extras',
    ]);
  });

  it('forgets a just-applied object once it was deleted, and when the claim is gone', async () => {
    const h = harness();
    h.claims.set(KEY, claim({ extras: true }));
    await h.reconciler.reconcile(KEY);
    h.claims.set(KEY, claim({ extras: false }, 2));
    await h.reconciler.reconcile(KEY);
    h.calls.length = 0;
    h.claims.set(KEY, claim({ extras: false, port: 9090 }, 3));
    await h.reconciler.reconcile(KEY);
    expect(
      h.calls.filter((c) => c.startsWith('delete ')),
      'pruned once, not again',
    ).to.deep.equal([]);
    h.claims.delete(KEY);
    await h.reconciler.reconcile(KEY);
    h.claims.set(KEY, claim({ extras: false }, 1, true));
    h.calls.length = 0;
    await h.reconciler.reconcile(KEY);
    expect(
      h.calls.filter((c) => c.startsWith('delete ')),
      'a new claim of that name',
    ).to.deep.equal([]);
  });

  it('deletes the children of a claim that vanished although its finalizer was added', async () => {
    // The API server drops a finalizer patched in while the claim's delete is under way: the patch
    // succeeds, the claim is gone anyway, and the reconcile that read it before applies its children.
    const h = harness();
    h.claims.set(KEY, { ...claim({ extras: false }), metadata: { ...claim({}).metadata, finalizers: [] } });
    await h.reconciler.reconcile(KEY);
    expect(h.calls.filter((c) => c.startsWith('patch App/'))).to.have.length(1);
    const applied = h.calls.filter((c) => c.startsWith('apply ')).map((c) => c.slice('apply '.length));
    expect(applied).to.have.length(5);
    h.calls.length = 0;
    h.claims.delete(KEY);
    await h.reconciler.reconcile(KEY);
    const deleted = h.calls.filter((c) => c.startsWith('delete ')).map((c) => c.slice('delete '.length));
    expect(deleted.sort()).to.deep.equal([...applied].sort());
  });

  it('a claim it finalized itself needs no second clean-up when it is gone', async () => {
    const h = harness();
    h.claims.set(KEY, claim({ extras: false }));
    await h.reconciler.reconcile(KEY);
    h.claims.set(KEY, claim({ extras: false }, 1, true));
    await h.reconciler.reconcile(KEY);
    h.calls.length = 0;
    h.claims.delete(KEY);
    await h.reconciler.reconcile(KEY);
    expect(h.calls).to.deep.equal([]);
  });
});
