import type { KubeObject } from '../../kube/types.ts';
import { ownedObjects, type OwnedObject } from './children.ts';

/**
 * Per claim key: objects this process applied that the child caches have not shown yet (by
 * `identity()`). The caches lag behind the API server, so a deletion or a spec change that arrives
 * right after an apply would otherwise finalize or prune without them: an orphan, or an object kept
 * that is no longer rendered. An entry goes when the cache shows the object or it was deleted.
 */
export class UnconfirmedApplies {
  private readonly pending = new Map<string, Map<string, OwnedObject>>();

  /** Records objects just applied for claim `key` until the caches show them. */
  remember(key: string, objects: readonly KubeObject[]): void {
    if (objects.length === 0) return;
    const pending = this.pending.get(key) ?? new Map<string, OwnedObject>();
    for (const o of ownedObjects(objects, [], () => true)) pending.set(o.key, o);
    this.pending.set(key, pending);
  }

  /** Drops entries (by `identity()`) whose delete was issued or whose object the cache now shows. */
  forget(key: string, objects: readonly { key: string }[]): void {
    const pending = this.pending.get(key);
    if (!pending) return;
    for (const o of objects) pending.delete(o.key);
    if (pending.size === 0) this.pending.delete(key);
  }

  /** Everything about claim `key` goes (it was finalized or is gone). */
  clear(key: string): void {
    this.pending.delete(key);
  }

  /** `owned` (from the caches) plus what was applied for `key` that they do not show yet. */
  addTo(key: string, owned: OwnedObject[]): OwnedObject[] {
    const pending = this.pending.get(key);
    if (!pending) return owned;
    const seen = new Set(owned.map((o) => o.key));
    for (const [id, o] of pending) {
      if (seen.has(id)) pending.delete(id);
      else owned.push(o);
    }
    if (pending.size === 0) this.pending.delete(key);
    return owned;
  }
}
