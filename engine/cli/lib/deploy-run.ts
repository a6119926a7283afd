/**
 * `kubify deploy` end to end, with the cluster client injected: plan (analyse, ship contexts, render every
 * claim), dry-run everything on the server, apply in order, wait, and say how to reach the apps.
 */
import { cliAuditLog } from './cli-audit.ts';
import { formatDecision } from '../../analyze/claims/index.ts';
import type { PackIndex } from '../../analyze/claims/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { Style } from '../color.ts';
import type { CliIo } from '../context.ts';
import { ExitCode, UsageError } from '../context.ts';
import { formatObjects } from '../output.ts';
import { applyAll, applySteps, preflight } from './deploy-apply.ts';
import { planDeploy } from './deploy-plan.ts';
import { reachLines, waitForClaims } from './deploy-wait.ts';
import type { ClaimRef } from './deploy-wait.ts';
import type { ClaimRequest } from './init-claims.ts';
import { printAnalysisProblems } from './init-claims.ts';

export interface DeployRequest extends Omit<ClaimRequest, 'namespace' | 'prompter'> {
  wait: boolean;
  timeoutMs: number;
  dryRun: boolean;
  /** Poll interval while waiting. */
  intervalMs?: number;
}

/** `30s`, `5m`, `1h` or plain seconds -> milliseconds. */
export function parseTimeout(text: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--timeout ${text}: give a duration such as 90s, 5m or 1h`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

export async function runDeploy(
  io: CliIo,
  style: Style,
  client: KubeClient,
  packs: PackIndex,
  request: DeployRequest & { namespace: string },
): Promise<ExitCode> {
  const say = (line: string): void => io.out(`${line}\n`);
  const plan = await planDeploy(io, request, packs);
  printAnalysisProblems(io, style, plan.claimPlan.report);
  const nothing = (): ExitCode => {
    io.err(`${style.red('nothing applied')}\n`);
    return ExitCode.failed;
  };
  if (plan.errors.length > 0) {
    for (const e of plan.errors) io.err(`${style.red('error:')} ${e}\n`);
    return nothing();
  }
  for (const d of plan.claimPlan.set.decisions.filter((x) => x.kind !== 'evidence'))
    io.err(`${style.yellow(d.kind === 'assumed' ? 'assumed:' : 'not handled:')} ${formatDecision(d)}\n`);
  for (const c of plan.contexts)
    say(
      `build context of ${c.plan.app}: ${c.files} files, ${Math.ceil(c.bytes.length / 1024)} KiB, digest ${c.digest.slice(0, 12)}${c.plan.generated ? ` (with a generated ${c.plan.dockerfile})` : ''}`,
    );

  const steps = await applySteps(client, plan);
  const rejected = await preflight(client, steps);
  if (rejected.length > 0) {
    for (const e of rejected) io.err(`${style.red('error:')} ${e}\n`);
    return nothing();
  }
  if (request.dryRun) {
    io.out(formatObjects(plan.claims, 'yaml'));
    say(
      `dry run: the server accepts all ${steps.length} objects in namespace ${plan.namespace}; nothing applied`,
    );
    return ExitCode.ok;
  }
  const audit = await cliAuditLog(io, client);
  await applyAll(client, steps, say, audit);
  await audit.flush();

  const refs: ClaimRef[] = plan.claims.map((c) => ({
    apiVersion: c.apiVersion,
    kind: c.kind,
    name: c.metadata.name,
    namespace: plan.namespace,
  }));
  const until = request.wait ? 'Ready' : 'Synced';
  say(`waiting up to ${Math.round(request.timeoutMs / 1000)}s for ${refs.length} claims to be ${until}`);
  const result = await waitForClaims(client, refs, {
    until,
    timeoutMs: request.timeoutMs,
    progress: (line) => say(`  ${line}`),
    ...(request.intervalMs !== undefined ? { intervalMs: request.intervalMs } : {}),
  });
  const apps = refs.filter((r) => r.kind === 'App');
  for (const line of await reachLines(client, apps)) say(line);
  if (!result.done) {
    io.err(`${style.red('error:')} not ${until} after ${Math.round(request.timeoutMs / 1000)}s:\n`);
    for (const p of result.pending) io.err(`  ${p}\n`);
    io.err(
      `see why: kubify trace ${refs[0] ? `${refs[0].kind.toLowerCase()}/${refs[0].name}` : '<kind>/<name>'} -n ${plan.namespace}\n`,
    );
    return ExitCode.failed;
  }
  if (!request.wait) say(`applied; the operator accepted every claim (add --wait to wait for Ready)`);
  return ExitCode.ok;
}
