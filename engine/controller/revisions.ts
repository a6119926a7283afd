import type { CompositionRevision } from '../api/composition-revision.ts';

/**
 * Which revision a composition's current content is: the newest revision when its content hash
 * matches, else a new revision numbered one past the newest. Revisions are immutable: going back to
 * earlier content creates a new revision too, so the history reads in order.
 */
export function planRevision(
  compositionName: string,
  contentHash: string,
  revisions: readonly CompositionRevision[],
): { revision: number; create: boolean } {
  const own = revisions.filter((r) => r.spec.compositionName === compositionName);
  const latest = own.reduce<CompositionRevision | undefined>(
    (best, r) => (!best || r.spec.revision > best.spec.revision ? r : best),
    undefined,
  );
  if (latest && latest.spec.contentHash === contentHash)
    return { revision: latest.spec.revision, create: false };
  return { revision: (latest?.spec.revision ?? 0) + 1, create: true };
}
