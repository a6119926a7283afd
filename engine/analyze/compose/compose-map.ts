/**
 * Compose services → service drafts, the way kompose reads them: a service with `build` is the source
 * service at its build context (several Compose services may share one), a service with only `image`
 * is an app of its own unless the image is a known data service, which instead becomes a dependency of
 * the apps that use it.
 */
import type { Problem } from '../../api/problem.ts';
import { dataServiceForImage, dataServiceForUrl } from '../data-services.ts';
import { addHealth, addStart } from '../detectors/code-scan.ts';
import { applyDockerfile, parseDockerfile } from '../detectors/dockerfile.ts';
import { PRIORITY, ServiceDraft } from '../draft.ts';
import { escapeRe } from '../detectors/context.ts';
import { dirOf, normalizeRel, problem, relJoin } from '../evidence.ts';
import type { SourceTree } from '../tree.ts';
import type { DataServiceKind } from '../types.ts';
import type { ComposeFile, ComposeService } from './compose-file.ts';

export interface ComposeMapping {
  /** Drafts for Compose services, in file order. */
  drafts: ServiceDraft[];
  /** Source directories a Compose service took over (not reported again on their own). */
  claimedDirs: Set<string>;
}

export async function mapCompose(
  tree: SourceTree,
  compose: ComposeFile,
  sources: ReadonlyMap<string, ServiceDraft>,
  problems: Problem[],
): Promise<ComposeMapping> {
  const base = dirOf(compose.file);
  const data = new Map<string, { kind: DataServiceKind; svc: ComposeService }>();
  for (const svc of compose.services) {
    const kind = svc.build === undefined && svc.image ? dataServiceForImage(svc.image.value) : undefined;
    if (kind) data.set(svc.name, { kind, svc });
  }
  const out: ComposeMapping = { drafts: [], claimedDirs: new Set() };
  const referenced = new Set<string>();
  for (const svc of compose.services) {
    if (data.has(svc.name)) continue;
    let draft: ServiceDraft;
    if (svc.build) {
      const ctxDir = normalizeRel(relJoin(base, svc.build.context));
      if (ctxDir === undefined) {
        problems.push(
          problem(
            'analyze.compose.context',
            'Warning',
            `build context "${svc.build.context}" is outside the analysed directory`,
            { file: compose.file, line: svc.build.evidence.line, path: `services.${svc.name}.build` },
          ),
        );
        draft = new ServiceDraft(base);
      } else {
        if (!tree.hasDir(ctxDir)) {
          problems.push(
            problem(
              'analyze.compose.context',
              'Warning',
              `build context "${svc.build.context}" does not exist`,
              { file: compose.file, line: svc.build.evidence.line, path: `services.${svc.name}.build` },
            ),
          );
        }
        const dockerfile = normalizeRel(relJoin(ctxDir, svc.build.dockerfile ?? 'Dockerfile'));
        const source =
          sources.get(ctxDir) ?? (dockerfile !== undefined ? sources.get(dirOf(dockerfile)) : undefined);
        draft = source ? source.clone(ctxDir) : new ServiceDraft(ctxDir);
        if (source) out.claimedDirs.add(source.dir);
        if (dockerfile !== undefined && draft.dockerfile?.path !== dockerfile) {
          const idx = tree.has(dockerfile) ? await tree.text(dockerfile) : undefined;
          if (idx)
            applyDockerfile(
              { tree, dir: ctxDir, files: [], draft, problems },
              draft,
              parseDockerfile(dockerfile, idx),
            );
          else if (svc.build.dockerfile !== undefined) {
            problems.push(
              problem(
                'analyze.compose.dockerfile',
                'Warning',
                `Dockerfile "${svc.build.dockerfile}" not found`,
                {
                  file: compose.file,
                  line: svc.build.evidence.line,
                  path: `services.${svc.name}.build.dockerfile`,
                },
              ),
            );
          }
        }
        draft.buildContext = {
          value: ctxDir === '' ? '.' : ctxDir,
          confidence: 'high',
          reason: 'Compose build context',
          evidence: [svc.build.evidence],
        };
      }
    } else draft = new ServiceDraft(base);
    applyService(tree, draft, compose, svc, problems);
    for (const d of svc.dependsOn) {
      const target = data.get(d.name);
      if (!target) continue;
      referenced.add(d.name);
      draft.addDep(
        target.kind,
        d.name,
        'high',
        `depends_on "${d.name}" (image ${target.svc.image!.value})`,
        [d.evidence, target.svc.image!.evidence],
        target.svc.image!.value,
      );
    }
    for (const e of svc.environment) {
      if (e.value === undefined) continue;
      for (const [name, target] of data) {
        if (new RegExp(`(^|[@/])${escapeRe(name)}(:|/|$)`).test(e.value)) {
          referenced.add(name);
          draft.addDep(
            target.kind,
            name,
            'medium',
            `environment ${e.name} points at "${name}"`,
            [e.evidence, target.svc.image!.evidence],
            target.svc.image!.value,
          );
        }
      }
      const kind = dataServiceForUrl(e.value);
      if (kind) draft.addDep(kind, e.name, 'medium', `connection URL in environment ${e.name}`, [e.evidence]);
    }
    out.drafts.push(draft);
  }
  for (const [name, target] of data) {
    if (referenced.has(name)) continue;
    for (const draft of out.drafts) {
      draft.addDep(
        target.kind,
        name,
        'low',
        `Compose service "${name}" runs ${target.svc.image!.value}`,
        [target.svc.image!.evidence],
        target.svc.image!.value,
      );
    }
  }
  return out;
}

function applyService(
  tree: SourceTree,
  draft: ServiceDraft,
  compose: ComposeFile,
  svc: ComposeService,
  problems: Problem[],
): void {
  draft.names.push({
    value: svc.name,
    confidence: 'high',
    reason: 'Compose service name',
    evidence: [svc.evidence],
    priority: PRIORITY.compose,
  });
  if (svc.image)
    draft.image = {
      value: svc.image.value,
      confidence: 'high',
      reason: 'Compose image',
      evidence: [svc.image.evidence],
    };
  draft.compose = {
    file: compose.file,
    service: svc.name,
    ports: svc.ports.map((p) => (p.published ? `${p.published}:${p.target}` : String(p.target))),
    dependsOn: svc.dependsOn.map((d) => d.name).sort(),
    volumes: svc.volumes,
    envFiles: svc.envFiles,
    evidence: [svc.evidence],
  };
  const first = svc.ports[0] ?? svc.expose[0];
  if (first) {
    draft.port.push({
      value: first.target,
      confidence: 'high',
      reason: svc.ports[0] ? 'Compose ports (container side)' : 'Compose expose',
      evidence: [first.evidence],
      priority: PRIORITY.compose,
    });
  }
  for (const e of svc.environment) {
    draft.addEnv(e.name, 'compose', 'high', e.evidence);
    if (e.name === 'PORT' && e.value !== undefined && /^\d{2,5}$/.test(e.value)) {
      draft.port.push({
        value: Number(e.value),
        confidence: 'high',
        reason: 'Compose environment PORT',
        evidence: [e.evidence],
        priority: PRIORITY.compose,
      });
    }
  }
  const ctx = { tree, dir: draft.dir, files: [], draft, problems };
  if (svc.command)
    addStart(ctx, svc.command.value, {
      confidence: 'high',
      reason: 'Compose command',
      evidence: svc.command.evidence,
      priority: PRIORITY.compose,
    });
  const url = svc.healthcheck ? /https?:\/\/[^/\s"']+(\/[^\s"'|;&]*)/.exec(svc.healthcheck.value) : null;
  if (svc.healthcheck && url && url[1] !== '/')
    addHealth(ctx, url[1]!.replace(/^\//, ''), svc.healthcheck.evidence, undefined, true);
}
