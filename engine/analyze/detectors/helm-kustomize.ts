/** Helm charts (Chart.yaml) and kustomizations already in the tree. */
import { parse } from 'yaml';
import type { HelmChartFacts, KustomizationFacts } from '../types.ts';
import { baseName, dirOf, matchAll } from '../evidence.ts';
import type { SourceTree } from '../tree.ts';
import { isRecord } from './context.ts';

const KUSTOMIZATIONS = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function safeParse(text: string): unknown {
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function findHelmCharts(tree: SourceTree): Promise<HelmChartFacts[]> {
  const out: HelmChartFacts[] = [];
  for (const file of tree.files.filter((f) => baseName(f) === 'Chart.yaml')) {
    const idx = await tree.text(file);
    if (!idx) continue;
    const doc = safeParse(idx.text);
    if (!isRecord(doc) || typeof doc['name'] !== 'string') continue;
    const line = matchAll(idx, /^name:/m)[0]?.line ?? 1;
    const chart: HelmChartFacts = {
      path: dirOf(file) || '.',
      name: doc['name'],
      evidence: [idx.evidence(file, line)],
    };
    if (typeof doc['version'] === 'string' || typeof doc['version'] === 'number')
      chart.version = String(doc['version']);
    if (typeof doc['appVersion'] === 'string' || typeof doc['appVersion'] === 'number')
      chart.appVersion = String(doc['appVersion']);
    out.push(chart);
  }
  return out;
}

export async function findKustomizations(tree: SourceTree): Promise<KustomizationFacts[]> {
  const out: KustomizationFacts[] = [];
  for (const file of tree.files.filter((f) => KUSTOMIZATIONS.includes(baseName(f)))) {
    const idx = await tree.text(file);
    if (!idx) continue;
    const doc = safeParse(idx.text);
    if (!isRecord(doc)) continue;
    const resources = Array.isArray(doc['resources'])
      ? doc['resources'].filter((r): r is string => typeof r === 'string')
      : [];
    const line = matchAll(idx, /^(resources|kind):/m)[0]?.line ?? 1;
    out.push({ path: dirOf(file) || '.', resources, evidence: [idx.evidence(file, line)] });
  }
  return out;
}
