/**
 * Strict server-side dry-runs of rendered pack objects against the real API server: apply as kubify does
 * (fieldManager kubify, force) with fieldValidation=Strict, CRD fixture installation, and loading of pack
 * examples with their observed objects. Shared by the pack dry-run tests.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { ControlPlane } from '../../engine/controlplane/index.ts';
import { eventually, rawRequest } from './http.ts';
import type { RawResponse } from './http.ts';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

/** REST resource names of the kinds pack tests apply; CRDs installed with `installCrd` are added. */
const PLURALS = new Map<string, string>([
  ['v1 Service', 'services'],
  ['v1 ConfigMap', 'configmaps'],
  ['v1 Secret', 'secrets'],
  ['apps/v1 Deployment', 'deployments'],
  ['apps/v1 StatefulSet', 'statefulsets'],
  ['batch/v1 Job', 'jobs'],
  ['networking.k8s.io/v1 Ingress', 'ingresses'],
  ['networking.k8s.io/v1 NetworkPolicy', 'networkpolicies'],
  ['autoscaling/v2 HorizontalPodAutoscaler', 'horizontalpodautoscalers'],
  ['policy/v1 PodDisruptionBudget', 'poddisruptionbudgets'],
  ['apiextensions.k8s.io/v1 CustomResourceDefinition', 'customresourcedefinitions'],
]);

export function objectPath(o: KubeObject): string {
  const plural = PLURALS.get(`${o.apiVersion} ${o.kind}`);
  if (!plural) throw new Error(`no REST path for ${o.apiVersion} ${o.kind}: install its CRD first`);
  const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : '';
  return `${base}${ns}/${plural}/${o.metadata.name}`;
}

/** Server-side apply as kubify does it (fieldManager kubify, force), strict field validation. */
export function applyStrict(cp: ControlPlane, o: KubeObject, dryRun: boolean): Promise<RawResponse> {
  const query = `fieldManager=kubify&force=true&fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`;
  return rawRequest(cp, 'PATCH', `${objectPath(o)}?${query}`, o, {
    contentType: 'application/apply-patch+yaml',
  });
}

type Crd = KubeObject & {
  spec: { group: string; versions: { name: string }[]; names: { kind: string; plural: string } };
};

/** Installs a CRD (a fixture file or an object) and waits until its first version is served. */
export async function installCrd(cp: ControlPlane, source: string | KubeObject): Promise<void> {
  const crd = (
    typeof source === 'string' ? parseAllDocuments(readFileSync(source, 'utf8'))[0]?.toJS() : source
  ) as Crd;
  const res = await applyStrict(cp, crd, false);
  expect(res.status, res.text).to.be.oneOf([200, 201]);
  await eventually(`CRD ${crd.metadata.name} Established`, async () => {
    const got = await rawRequest(cp, 'GET', objectPath(crd));
    const conditions = (got.body as { status?: { conditions?: { type: string; status: string }[] } }).status
      ?.conditions;
    return conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
  for (const version of crd.spec.versions) {
    PLURALS.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, crd.spec.names.plural);
  }
  const version = crd.spec.versions[0]?.name ?? '';
  await eventually(`${crd.spec.group}/${version} served`, async () => {
    const list = await rawRequest(cp, 'GET', `/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}`);
    return list.status === 200 ? true : undefined;
  });
}

export interface PackExample {
  /** File name in `examples/`. */
  name: string;
  claim: KubeObject;
  /** Observed objects by resource id, from `examples/observed/<name>` (empty without it). */
  observed: Record<string, unknown>;
}

/** Every example claim of a pack, sorted, with its observed objects (a labelled stream or an id map). */
export function packExamples(packDir: string): PackExample[] {
  return readdirSync(join(packDir, 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const observedFile = join(packDir, 'examples', 'observed', file);
      const observed: Record<string, unknown> = {};
      if (existsSync(observedFile)) {
        const docs = parseAllDocuments(readFileSync(observedFile, 'utf8')).map((d) => d.toJS() as unknown);
        for (const doc of docs) {
          const o = doc as Partial<KubeObject> & Record<string, unknown>;
          const id = o.metadata?.labels?.['kubify.io/resource-id'];
          if (id) observed[id] = o;
          else if (docs.length === 1) Object.assign(observed, o);
        }
      }
      const claim = parse(readFileSync(join(packDir, 'examples', file), 'utf8')) as KubeObject;
      return { name: file, claim, observed };
    });
}

/**
 * kube-apiserver 1.34 answers a server-side apply with an undeclared field with 500 "failed to create typed
 * patch object ... field not declared in schema" (not 422); either way nothing is stored.
 */
export function expectRejected(res: RawResponse, field: string): void {
  expect(res.status, res.text).to.be.oneOf([400, 422, 500]);
  expect(res.text).to.contain(field);
  expect(res.text).to.match(/field not declared in schema|unknown field/);
}
