/**
 * `kubify deploy`, before touching the cluster: analyse, ship build contexts, generate the claims (image
 * tags from the context digests) and render every one of them. Anything wrong stops here, so nothing is
 * applied half-way.
 */
import { randomBytes } from 'node:crypto';
import { generateClaims } from '../../analyze/claims/index.ts';
import type { GeneratedClaim, PackIndex } from '../../analyze/claims/index.ts';
import type { CliIo } from '../context.ts';
import { UsageError } from '../context.ts';
import { contextConfigMap, shipContext } from './deploy-context.ts';
import type { ShippedContext } from './deploy-context.ts';
import { claimRenderProblems, planClaims } from './init-claims.ts';
import type { ClaimPlan, ClaimRequest } from './init-claims.ts';

export interface DeployPlan {
  claimPlan: ClaimPlan;
  namespace: string;
  contexts: ShippedContext[];
  /** Build-context ConfigMaps. */
  configMaps: Record<string, unknown>[];
  /** Secrets the claims read, with fresh random values: created only when missing. */
  secrets: Record<string, unknown>[];
  /** Data claims first, then Apps. */
  claims: GeneratedClaim[];
  /** Why nothing can be applied (analysis errors, claims that do not render). Empty when the plan is good. */
  errors: string[];
}

export async function planDeploy(
  io: CliIo,
  request: ClaimRequest & { namespace: string },
  packs: PackIndex,
  random: (bytes: number) => string = (n) => randomBytes(n).toString('hex'),
): Promise<DeployPlan> {
  const claimPlan = await planClaims(io, request);
  const { set, options, dir } = claimPlan;
  const plan: DeployPlan = {
    claimPlan,
    namespace: request.namespace,
    contexts: [],
    configMaps: [],
    secrets: [],
    claims: [],
    errors: [...set.errors],
  };
  if (plan.errors.length > 0) return plan;
  if (set.builds.length > 0 && options.registry === undefined) {
    const apps = set.builds.map((b) => b.app).join(', ');
    throw new UsageError(
      `${apps}: no image, so kubify builds one with Kaniko and must push it: give --registry <host[:port]/repository> (or KUBIFY_REGISTRY), or --image <service>=<image>`,
    );
  }
  plan.contexts = set.builds.map((b) => shipContext(dir.absolute, b));
  const contexts = Object.fromEntries(
    plan.contexts.map((c) => [c.plan.service, { configMap: c.plan.configMap, digest: c.digest }]),
  );
  const final = generateClaims(claimPlan.report, { ...options, contexts });
  claimPlan.set = final;
  plan.errors.push(...final.errors, ...claimRenderProblems(final, packs, request.namespace));
  if (plan.errors.length > 0) return plan;
  const labels = { 'kubify.io/source': options.source, 'app.kubernetes.io/managed-by': 'kubify' };
  plan.claims = final.claims;
  plan.configMaps = plan.contexts.map((c) => contextConfigMap(c, request.namespace, labels));
  plan.secrets = final.secrets.map((s) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: request.namespace, labels },
    type: 'Opaque',
    stringData: { [s.key]: random(24) },
  }));
  return plan;
}
