/**
 * What `kubify install` (and `npm run demo`) applies: kubify's CRDs, the selected packs as Composition
 * objects, and `deploy/` with RBAC generated for every composition the cluster will hold.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { KUBIFY_API_VERSION } from '../../api/composition.ts';
import { kubifyCrds } from '../../api/kubify-crds.ts';
import { compile } from '../../compose/compile.ts';
import type { CompiledComposition } from '../../compose/compiled.ts';
import { InstallError, installPlan, type InstallStep } from '../../controller/install.ts';
import { generateRbac } from '../../controller/rbac.ts';
import { NoMatchError, type KubeClient, type KubeObject } from '../../kube/index.ts';
import type { CliIo } from '../context.ts';
import { UsageError } from '../context.ts';
import { absolutePath, pathKind } from './files.ts';
import { listPacks } from './packs.ts';
import { compilePacks, skippedLine } from './rbac.ts';

/** The `deploy/` folder that ships with kubify. */
export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/', import.meta.url));
/** Files of `deploy/` that are not applied as they are: RBAC is regenerated, PKO values go to Helm. */
const NOT_APPLIED = new Set(['rbac.yaml', 'pko-values.yaml']);

export interface InstallInputs {
  steps: InstallStep[];
  /** Packs skipped (they do not compile) and cluster Compositions RBAC could not include. */
  warnings: string[];
  /** Names of the Compositions applied. */
  compositions: string[];
  /** The compiled packs applied as Compositions. */
  compiled: CompiledComposition[];
}

export interface InstallSelection {
  /** Pack folders or names of shipped packs; default every pack found. */
  packs?: readonly string[];
  /** Apply `deploy/` (namespace, RBAC, operator). Default true. */
  deploy?: boolean;
  image?: string;
}

/** Resolves `--packs` entries: a folder path, or the name of a pack in the search folders. */
export function resolvePacks(io: CliIo, packs: readonly string[] | undefined): string[] {
  const all = listPacks(io);
  if (packs === undefined || packs.length === 0) return all;
  return packs.map((p) => {
    if (pathKind(absolutePath(io, p)) === 'directory') return p;
    const found = all.find((dir) => basename(dir) === p);
    if (!found) {
      const names = all.map((d) => basename(d)).join(', ');
      throw new UsageError(`unknown pack "${p}": give a pack folder or one of ${names}`);
    }
    return found;
  });
}

/**
 * Reads the packs, `deploy/` and (with a client) the cluster's Compositions, and returns the ordered
 * install steps. Without a client the RBAC covers the selected packs only.
 */
export async function loadInstall(
  io: CliIo,
  client: KubeClient | undefined,
  selection: InstallSelection,
): Promise<InstallInputs> {
  const { compiled, skipped } = await compilePacks(io, resolvePacks(io, selection.packs));
  const warnings = skipped.map(skippedLine);
  const compositions = compiled.map((c) => c.composition as unknown as KubeObject);
  let rbac: KubeObject[] = [];
  let deploy: KubeObject[] = [];
  if (selection.deploy !== false) {
    const inCluster = client ? await clusterCompositions(client, compiled, warnings) : [];
    const served = [...compiled, ...inCluster];
    const generated = generateRbac({ compositions: served });
    for (const p of generated.problems) warnings.push(`warning: RBAC: ${p.file ?? ''}: ${p.message}`);
    rbac = generated.objects as unknown as KubeObject[];
    deploy = readDeploy(DEPLOY_DIR);
  }
  const steps = installPlan({
    crds: kubifyCrds() as unknown as KubeObject[],
    compositions,
    deploy,
    rbac,
    ...(selection.image ? { image: selection.image } : {}),
  });
  return { steps, warnings, compositions: compiled.map((c) => c.name), compiled };
}

/**
 * Compositions already in the cluster that this install does not replace: the operator keeps serving
 * them, so the generated RBAC must keep covering them.
 */
async function clusterCompositions(
  client: KubeClient,
  selected: readonly CompiledComposition[],
  warnings: string[],
): Promise<CompiledComposition[]> {
  let items: KubeObject[];
  try {
    items = (await client.listAll({ apiVersion: KUBIFY_API_VERSION, kind: 'Composition' })).items;
  } catch (error) {
    if (error instanceof NoMatchError) return [];
    throw new InstallError('listing the Compositions in the cluster (RBAC must keep covering them)', error);
  }
  const names = new Set(selected.map((c) => c.name));
  const out: CompiledComposition[] = [];
  for (const object of items) {
    const name = object.metadata.name ?? '';
    if (names.has(name)) continue;
    const result = compile({ object, file: `Composition/${name}` });
    if (result.compiled) out.push(result.compiled);
    else warnings.push(`warning: RBAC: Composition ${name} in the cluster does not compile: not covered`);
  }
  return out;
}

/** Every object of `deploy/*.yaml` (namespaces first), except the files regenerated or meant for Helm. */
export function readDeploy(dir: string): KubeObject[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !NOT_APPLIED.has(f))
    .sort((a, b) => (a === 'namespace.yaml' ? -1 : b === 'namespace.yaml' ? 1 : a.localeCompare(b)));
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
      .map((doc) => doc.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => o !== null && typeof o === 'object'),
  );
}
