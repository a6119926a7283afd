/**
 * The crash suite's judge (test/faults/crash): snapshots normalise away what differs between two equal
 * runs, the diff names what differs, the invariants catch orphans, duplicates, unlisted objects and
 * leftover finalizers, and the kill schedule follows its seed.
 */
import { expect } from 'chai';
import { killPlan } from '../../faults/crash/run.ts';
import {
  checkInvariants,
  claimState,
  diffSnapshots,
  objectState,
  type Snapshot,
} from '../../faults/crash/snapshot.ts';
import { crashWorkload } from '../../faults/crash/workload.ts';
import { faultSeeds, SeededRandom } from '../../faults/support/rng.ts';
import type { KubeObject } from '../../../engine/kube/index.ts';

function configMap(
  ns: string,
  claim: string,
  claimUid: string,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${claim}-config`,
      namespace: ns,
      uid: `uid-${Math.random()}`,
      resourceVersion: String(Math.floor(Math.random() * 1000)),
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: {
        'kubify.io/claim-name': claim,
        'kubify.io/claim-namespace': ns,
        'kubify.io/resource-id': 'config',
      },
      annotations: { 'kubify.io/claim-uid': claimUid, 'kubify.io/desired-hash': `${Math.random()}` },
      ownerReferences: [{ apiVersion: 'bench.kubify.io/v1alpha1', kind: 'App', name: claim, uid: claimUid }],
      managedFields: [{ manager: 'kubify' }],
    },
    data: { port: '8001' },
    ...extra,
  };
}

function appClaim(
  name: string,
  extra: Partial<KubeObject['metadata']> = {},
  inventory = [`ConfigMap/${name}-config`],
) {
  return {
    apiVersion: 'bench.kubify.io/v1alpha1',
    kind: 'App',
    metadata: { name, namespace: 'x', generation: 2, finalizers: ['kubify.io/finalizer'], ...extra },
    status: {
      observedGeneration: 2,
      conditions: [
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', message: '5 object(s) in sync' },
        { type: 'Ready', status: 'True', reason: 'Ready', message: 'ready' },
      ],
      resources: inventory.map((r) => ({ kind: r.split('/')[0], name: r.split('/')[1] })),
    },
  } as KubeObject;
}

function snapshot(
  objects: KubeObject[],
  claims: Record<string, KubeObject | undefined>,
  ns: string,
): Snapshot {
  const uids = new Map(
    Object.entries(claims)
      .filter(([, c]) => c)
      .map(([n, c]) => [n, c!.metadata.uid ?? '']),
  );
  return {
    claims: Object.fromEntries(Object.entries(claims).map(([n, c]) => [n, claimState(c)])),
    objects: Object.fromEntries(
      objects.map((o) => {
        const s = objectState(o, ns, uids);
        return [`${s.kind}/${s.name}`, s];
      }),
    ),
  };
}

describe('crash fault suite: snapshots, diff and invariants', () => {
  it('two equal runs in different namespaces compare equal', () => {
    const a = snapshot(
      [configMap('ns-a', 'app-1', 'u1')],
      { 'app-1': appClaim('app-1', { uid: 'u1' }) },
      'ns-a',
    );
    const b = snapshot(
      [configMap('ns-b', 'app-1', 'u2')],
      { 'app-1': appClaim('app-1', { uid: 'u2' }) },
      'ns-b',
    );
    expect(diffSnapshots(a, b)).to.deep.equal([]);
    expect(checkInvariants(a)).to.deep.equal([]);
  });

  it('names the path that differs, and missing and unexpected entries', () => {
    const base = snapshot(
      [configMap('n', 'app-1', 'u1')],
      { 'app-1': appClaim('app-1', { uid: 'u1' }) },
      'n',
    );
    const changed = snapshot(
      [configMap('n', 'app-1', 'u1', { data: { port: '9001' } }), configMap('n', 'app-2', 'u9')],
      { 'app-1': appClaim('app-1', { uid: 'u1', finalizers: [] }), 'app-3': undefined },
      'n',
    );
    const diff = diffSnapshots(changed, base);
    expect(diff).to.include('object ConfigMap/app-1-config: .content.data.port: "9001" != expected "8001"');
    expect(diff).to.include('claim app-1: .finalizers: [] != expected ["kubify.io/finalizer"]');
    expect(diff.some((d) => d.startsWith('object ConfigMap/app-2-config: unexpected'))).to.equal(true);
    expect(diff).to.include('claim app-3: unexpected {"exists":false}');
  });

  it('finds orphans, duplicates, unlisted objects and claims left with a finalizer', () => {
    const dup = configMap('n', 'app-1', 'u1');
    dup.metadata.name = 'app-1-config-old';
    const s = snapshot(
      [configMap('n', 'app-1', 'u1'), dup, configMap('n', 'gone', 'u0'), configMap('n', 'app-2', 'stale')],
      {
        'app-1': appClaim('app-1', { uid: 'u1' }),
        gone: undefined,
        'app-2': appClaim('app-2', { uid: 'u2', deletionTimestamp: '2026-01-01T00:00:00Z' }),
      },
      'n',
    );
    const problems = checkInvariants(s);
    expect(problems).to.include('ConfigMap/gone-config: orphaned, its claim gone does not exist');
    expect(problems).to.include(
      'ConfigMap/app-1-config-old: duplicates ConfigMap/app-1-config for claim app-1, resource config',
    );
    expect(problems).to.include('ConfigMap/app-1-config-old: claim app-1 does not list it');
    expect(problems).to.include('ConfigMap/app-2-config: claim-uid annotation names another app-2');
    expect(problems).to.include('ConfigMap/app-2-config: owner reference names another app-2');
    expect(problems).to.include('ConfigMap/app-2-config: its claim app-2 is being deleted');
    expect(problems).to.include('claim app-2: deleted but still there, finalizers ["kubify.io/finalizer"]');
  });

  it('derives the kill schedule from the seed: 1 to 3 kills spread over the convergence', () => {
    for (const seed of faultSeeds(50, {})) {
      const plan = killPlan(seed, 40_000);
      expect(plan).to.deep.equal(killPlan(seed, 40_000));
      expect(plan.kills.length).to.be.within(1, 3);
      for (const [i, k] of plan.kills.entries()) {
        expect(k.settled).to.be.within(0, 0.9);
        expect(k.afterStartMs).to.be.within(0, 3000);
        if (i > 0) expect(k.settled).to.be.at.least(plan.kills[i - 1]!.settled);
      }
      expect(plan.lateMutationsAtMs).to.be.within(4_000, 32_000);
    }
    const firstKills = new Set(faultSeeds(10, {}).map((seed) => killPlan(seed, 40_000).kills[0]!.settled));
    expect(firstKills.size, 'seeds give different moments').to.be.greaterThan(5);
    expect(new SeededRandom(3).next()).to.equal(new SeededRandom(3).next());
    expect(faultSeeds(10, { KUBIFY_FAULT_SEEDS: '7, 9' })).to.deep.equal([7, 9]);
    expect(faultSeeds(10, { KUBIFY_FAULT_SEED_COUNT: '2' })).to.deep.equal([1, 2]);
  });

  it('the workload updates and deletes disjoint claims and flips extras both ways', () => {
    const w = crashWorkload('n', 1000);
    expect(w.claims).to.have.length(1000);
    expect(w.updates.size).to.be.greaterThan(100);
    expect(w.deletes.length).to.be.greaterThan(50);
    expect(w.deletes.filter((d) => w.updates.has(d))).to.deep.equal([]);
    const flips = [...w.updates.values()].map((u) => u.extras);
    expect(flips).to.include(true).and.to.include(false);
  });
});
