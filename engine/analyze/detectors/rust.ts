/** Rust: Cargo.toml packages and workspaces; axum, actix-web, rocket. */
import { dataServiceForFeature, dataServiceForPackage } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { relJoin } from '../evidence.ts';
import { readToml } from '../manifest/toml.ts';
import type { Framework } from '../types.ts';
import { SCANS, addDefaultPort, addStart, scanCode } from './code-scan.ts';
import { type Detector, readIn } from './context.ts';
import { globMembers } from './workspace-glob.ts';

const FRAMEWORKS: readonly [string, Framework, number][] = [
  ['axum', 'axum', 3],
  ['actix-web', 'actix-web', 2],
  ['rocket', 'rocket', 1],
];
const MULTI_BACKEND = ['sqlx', 'diesel', 'sea-orm'];

export const rustDetector: Detector = {
  id: 'rust',
  claims: (names) => names.includes('Cargo.toml'),
  async detect(ctx) {
    const { draft } = ctx;
    const cargo = await readIn(ctx, 'Cargo.toml');
    if (!cargo) return;
    const { file, idx } = cargo;
    const toml = readToml(idx.text);
    const members = toml.find((e) => e.table === 'workspace' && e.key === 'members');
    if (members) {
      draft.workspace = {
        path: ctx.dir || '.',
        tool: 'cargo',
        members: globMembers(
          ctx.tree,
          ctx.dir,
          members.strings.map((s) => s.value),
          'Cargo.toml',
        ),
        evidence: [idx.evidence(file, members.line)],
      };
    }
    const nameEntry = toml.find((e) => e.table === 'package' && e.key === 'name');
    if (!nameEntry?.string) return; // a virtual workspace manifest
    draft.strong = true;
    const name = nameEntry.string;
    draft.language.push({
      value: 'rust',
      confidence: 'high',
      reason: 'Cargo.toml',
      evidence: [idx.evidence(file, nameEntry.line)],
      priority: PRIORITY.manifest,
    });
    draft.names.push({
      value: name,
      confidence: 'high',
      reason: 'Cargo.toml package name',
      evidence: [idx.evidence(file, nameEntry.line)],
      priority: PRIORITY.manifest,
    });
    const deps = new Map<string, { line: number; features: string[] }>();
    for (const e of toml) {
      if (e.table === 'dependencies') {
        const features = /features\s*=\s*\[([^\]]*)\]/.exec(e.raw)?.[1] ?? '';
        deps.set(e.key, { line: e.line, features: [...features.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) });
      }
      const table = /^dependencies\.(.+)$/.exec(e.table);
      if (table) {
        const d = deps.get(table[1]!) ?? { line: e.line, features: [] };
        if (e.key === 'features') d.features.push(...e.strings.map((s) => s.value));
        deps.set(table[1]!, d);
      }
    }
    for (const [dep, fw, rank] of FRAMEWORKS) {
      const d = deps.get(dep);
      if (d)
        draft.framework.push({
          value: fw,
          confidence: 'high',
          reason: `Cargo.toml dependency "${dep}"`,
          evidence: [idx.evidence(file, d.line)],
          priority: PRIORITY.manifest + rank,
        });
    }
    for (const [dep, d] of [...deps.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const kinds = MULTI_BACKEND.includes(dep)
        ? d.features.map(dataServiceForFeature)
        : [dataServiceForPackage('cargo', dep)];
      for (const kind of new Set(kinds)) {
        if (kind)
          draft.addDep(kind, dep, 'high', `Cargo.toml dependency "${dep}"`, [idx.evidence(file, d.line)]);
      }
    }
    await scanCode(ctx, SCANS['rust']!);
    if (deps.has('rocket')) {
      const rocketToml = await readIn(ctx, 'Rocket.toml');
      const port = rocketToml
        ? readToml(rocketToml.idx.text).find((e) => e.key === 'port' && /^\d+$/.test(e.raw))
        : undefined;
      if (rocketToml && port) {
        draft.port.push({
          value: Number(port.raw),
          confidence: 'high',
          reason: 'Rocket.toml port',
          evidence: [rocketToml.idx.evidence(rocketToml.file, port.line)],
          priority: PRIORITY.config,
          language: 'rust',
        });
      }
      addDefaultPort(ctx, 8000, 'Rocket default port', idx.evidence(file, deps.get('rocket')!.line), 'rust');
    }
    const ev = idx.evidence(file, nameEntry.line);
    draft.build.push({
      value: 'cargo build --release',
      confidence: 'medium',
      reason: 'Cargo release build',
      evidence: [ev],
      priority: PRIORITY.convention,
      language: 'rust',
    });
    if (ctx.tree.has(relJoin(ctx.dir, 'src/main.rs'))) {
      addStart(ctx, `./target/release/${name}`, {
        confidence: 'medium',
        reason: 'binary built by Cargo',
        evidence: ev,
        priority: PRIORITY.convention,
        language: 'rust',
      });
    }
  },
};
