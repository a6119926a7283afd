import { expect } from 'chai';
import { ownedObjects } from '../../../../engine/controller/claim/children.ts';
import {
  CREATE_ONLY_RESOURCE_VERSION,
  decideFromCache,
  decideFromServer,
  holderOf,
} from '../../../../engine/controller/claim/ownership.ts';
import { claimIndexValue } from '../../../../engine/controller/child-index.ts';
import { compileText, compositionYaml } from '../../compose/support.ts';
import type { KubeObject } from '../../../../engine/kube/types.ts';

const SELF = claimIndexValue('App.apps.kubify.io', 'team-a', 'web');
const desired = { kind: 'Deployment', metadata: { name: 'web', namespace: 'team-a' } };

function object(labels?: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'team-a',
      resourceVersion: '42',
      ...(labels ? { labels } : {}),
      ...extra,
    },
  };
}

const claimLabels = (name: string): Record<string, string> => ({
  'app.kubernetes.io/managed-by': 'kubify',
  'kubify.io/claim-kind': 'App.apps.kubify.io',
  'kubify.io/claim-namespace': 'team-a',
  'kubify.io/claim-name': name,
});

describe('ownership decisions', () => {
  it('names the holder from the claim labels, in the child index format', () => {
    expect(holderOf(object(claimLabels('web')))).to.equal(SELF);
    expect(holderOf(object({ app: 'web' }))).to.equal(undefined);
  });

  it('refuses an object the cache shows held by another claim, without a request', () => {
    const d = decideFromCache(SELF, object(claimLabels('other')), desired, false);
    expect(d).to.deep.equal({
      action: 'refuse',
      holder: claimIndexValue('App.apps.kubify.io', 'team-a', 'other'),
      message: 'Deployment team-a/web belongs to claim App.apps.kubify.io team-a/other',
    });
    // even when the claim believes it holds it (a relabelled object): labels are the record
    expect(decideFromCache(SELF, object(claimLabels('other')), desired, true).action).to.equal('refuse');
  });

  it('applies what it holds as is, and sends what it never held with the create-only precondition', () => {
    expect(decideFromCache(SELF, object(claimLabels('web')), desired, true)).to.deep.equal({
      action: 'apply',
    });
    expect(decideFromCache(SELF, object(claimLabels('web')), desired, false)).to.deep.equal({
      action: 'apply',
    });
    expect(decideFromCache(SELF, undefined, desired, false)).to.deep.equal({
      action: 'apply',
      resourceVersion: CREATE_ONLY_RESOURCE_VERSION,
    });
  });

  it('after a refused create: an unmanaged object is refused under Never, with the fix in the message', () => {
    const d = decideFromServer(SELF, object({ app: 'web' }), desired, 'server', 'Never');
    expect(d).to.deep.equal({
      action: 'refuse',
      message:
        'Deployment team-a/web exists and is not managed by kubify; set adoption: IfUnmanaged on resource `server` to take it over',
    });
    const kubifyButNoClaim = decideFromServer(
      SELF,
      object({ 'app.kubernetes.io/managed-by': 'kubify' }),
      desired,
      'server',
      'Never',
    );
    expect(kubifyButNoClaim.action === 'refuse' && kubifyButNoClaim.message).to.contain(
      'is not held by any kubify claim',
    );
  });

  it('adopts an unmanaged object under IfUnmanaged, conditional on the version it read', () => {
    expect(decideFromServer(SELF, object({ app: 'web' }), desired, 'server', 'IfUnmanaged')).to.deep.equal({
      action: 'apply',
      resourceVersion: '42',
      adopted: true,
    });
  });

  it('never adopts another claim’s object, even under IfUnmanaged', () => {
    const d = decideFromServer(SELF, object(claimLabels('other')), desired, 'server', 'IfUnmanaged');
    expect(d.action).to.equal('refuse');
  });

  it('applies its own object the cache had not seen yet, and waits for one being deleted or gone', () => {
    expect(decideFromServer(SELF, object(claimLabels('web')), desired, 'server', 'Never')).to.deep.equal({
      action: 'apply',
      resourceVersion: '42',
    });
    const deleting = object({ app: 'web' }, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    expect(decideFromServer(SELF, deleting, desired, 'server', 'IfUnmanaged').action).to.equal('retry');
    expect(decideFromServer(SELF, undefined, desired, 'server', 'Never').action).to.equal('retry');
  });

  it('does not count an inventory entry it was refused as owned (so prune and delete never touch it)', () => {
    const entry = {
      id: 'server',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'team-a',
      ready: false,
      message: 'x',
    };
    const unwatched = (): boolean => false;
    expect(ownedObjects([], [{ ...entry, reason: 'OwnershipConflict' }], unwatched)).to.deep.equal([]);
    expect(ownedObjects([], [{ ...entry, reason: 'ApplyFailed' }], unwatched)).to.have.length(1);
  });

  it('compiles the adoption policy (default Never) and rejects an unknown one', () => {
    const compileWith = (line: string): ReturnType<typeof compileText> =>
      compileText(
        compositionYaml({
          resources: `\n    - id: config${line}\n      template: |\n        apiVersion: v1\n        kind: ConfigMap`,
        }),
      );
    expect(compileWith('').compiled?.resources[0]?.adoption).to.equal('Never');
    expect(compileWith('\n      adoption: IfUnmanaged').compiled?.resources[0]?.adoption).to.equal(
      'IfUnmanaged',
    );
    const bad = compileWith('\n      adoption: Always');
    expect(bad.compiled).to.equal(undefined);
    expect(bad.problems.map((p) => p.path)).to.include('spec.resources[0].adoption');
  });
});
