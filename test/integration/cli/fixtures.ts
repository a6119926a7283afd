/**
 * Shared set-up for CLI integration tests: a Composition of `Widget` claims composing a ConfigMap and,
 * optionally, a `Gadget` (an upstream-like CRD whose readiness the test controls), and a helper that
 * plays the upstream controller by writing Gadget status.
 */
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { eventually } from '../../support/http.ts';
import { widgetComposition } from '../controller/fixtures.ts';
import { sharedControlPlane } from '../../support/cluster.ts';
import { runCli } from '../../../engine/cli/program.ts';
import type { CliRun } from '../../unit/cli/run-cli.ts';
import { REPO_ROOT } from '../../unit/cli/run-cli.ts';

export { configResource } from '../controller/fixtures.ts';

export function gadgetResource(group: string): Record<string, unknown> {
  return {
    id: 'gadget',
    template: `apiVersion: ${group}/v1\nkind: Gadget\nspec:\n  size: {{claim.spec.size}}\n`,
    readyWhen: [{ condition: 'Ready' }],
  };
}

/** The controller tests' `Widget` Composition (claim fields color, extra, size). */
export function composition(name: string, group: string, resources: Record<string, unknown>[]): KubeObject {
  return widgetComposition(name, group, resources);
}

export function widget(
  group: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): KubeObject {
  return { apiVersion: `${group}/v1alpha1`, kind: 'Widget', metadata: { name, namespace }, spec };
}

interface Cond {
  type: string;
  status: string;
}

export function conditionOf(obj: KubeObject | undefined, type: string): Cond | undefined {
  return (obj?.status as { conditions?: Cond[] } | undefined)?.conditions?.find((c) => c.type === type);
}

export { compositionReady } from '../../support/operator.ts';

export async function claimReady(
  client: KubeClient,
  group: string,
  ns: string,
  name: string,
  revision?: number,
): Promise<KubeObject> {
  return eventually(
    `Widget ${ns}/${name} Ready`,
    async () => {
      const c = await client.get({ apiVersion: `${group}/v1alpha1`, kind: 'Widget', namespace: ns, name });
      const rev = (c.status as { compositionRevision?: number } | undefined)?.compositionRevision;
      return conditionOf(c, 'Ready')?.status === 'True' && (revision === undefined || rev === revision)
        ? c
        : undefined;
    },
    60_000,
  );
}

/** Marks Gadgets Ready=True (the upstream controller's job), for the claims `allow` accepts. */
export async function markGadgetsReady(
  client: KubeClient,
  group: string,
  ns: string,
  allow: (claim: string) => boolean,
): Promise<number> {
  const list = await client.listAll({ apiVersion: `${group}/v1`, kind: 'Gadget', namespace: ns });
  let marked = 0;
  for (const g of list.items) {
    const claim = g.metadata.labels?.['kubify.io/claim-name'] ?? '';
    if (!allow(claim) || conditionOf(g, 'Ready')?.status === 'True') continue;
    await client.applyStatus(
      {
        apiVersion: g.apiVersion,
        kind: 'Gadget',
        metadata: { name: g.metadata.name ?? '', namespace: ns },
        status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Up', message: 'gadget is up' }] },
      },
      { fieldManager: 'gadget-controller' },
    );
    marked++;
  }
  return marked;
}

/** Runs kubify in-process against the shared control plane, with the real clock. */
export async function kubify(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const cp = await sharedControlPlane();
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, '--kubeconfig', cp.kubeconfigPath], {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    env,
    cwd: REPO_ROOT,
    colorCapable: false,
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}
