import type { LabelSelector } from './client.ts';

/** `{app: 'x', tier: 'web'}` -> `app=x,tier=web` (sorted, so equal selectors give equal keys). */
export function labelSelectorString(selector: LabelSelector | undefined): string | undefined {
  if (selector === undefined) return undefined;
  if (typeof selector === 'string') return selector || undefined;
  const parts = Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k] ?? ''}`);
  return parts.length ? parts.join(',') : undefined;
}
