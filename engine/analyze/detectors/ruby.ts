/** Ruby: Gemfile; Rails (config/database.yml, config/puma.rb, routes) and Sinatra/Rack. */
import { dataServiceForPackage } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { matchAll, relJoin } from '../evidence.ts';
import { SCANS, addDefaultPort, addStart, scanCode, statedPort } from './code-scan.ts';
import { type Detector, readIn } from './context.ts';

export const rubyDetector: Detector = {
  id: 'ruby',
  claims: (names) => names.includes('Gemfile') || names.includes('config.ru'),
  async detect(ctx) {
    const { draft } = ctx;
    const gemfile = await readIn(ctx, 'Gemfile');
    const rackup = await readIn(ctx, 'config.ru');
    const first = gemfile ?? rackup;
    if (!first) return;
    draft.strong = true;
    draft.language.push({
      value: 'ruby',
      confidence: 'high',
      reason: gemfile ? 'Gemfile' : 'config.ru',
      evidence: [first.idx.evidence(first.file, 1)],
      priority: PRIORITY.manifest,
    });
    const gems = new Map<string, number>();
    if (gemfile) {
      for (const m of matchAll(gemfile.idx, /^\s*gem\s+['"]([\w.-]+)['"]/m)) {
        if (!gems.has(m.groups[1]!)) gems.set(m.groups[1]!, m.line);
      }
    }
    const gemEvidence = (name: string) => gemfile!.idx.evidence(gemfile!.file, gems.get(name)!);
    for (const [gem, fw, rank] of [
      ['rails', 'rails', 2],
      ['sinatra', 'sinatra', 1],
    ] as const) {
      if (gems.has(gem)) {
        draft.framework.push({
          value: fw,
          confidence: 'high',
          reason: `Gemfile gem "${gem}"`,
          evidence: [gemEvidence(gem)],
          priority: PRIORITY.manifest + rank,
        });
      }
    }
    for (const gem of [...gems.keys()].sort()) {
      const kind = dataServiceForPackage('rubygems', gem);
      if (kind) draft.addDep(kind, gem, 'high', `Gemfile gem "${gem}"`, [gemEvidence(gem)]);
    }
    const db = await readIn(ctx, 'config/database.yml');
    if (db) {
      for (const m of matchAll(db.idx, /^\s*adapter:\s*["']?(postgresql|postgis|mysql2|trilogy)\b/m)) {
        const kind = m.groups[1]!.startsWith('post') ? 'postgresql' : 'mysql';
        draft.addDep(kind, `adapter ${m.groups[1]!}`, 'high', 'config/database.yml adapter', [
          db.idx.evidence(db.file, m.line),
        ]);
      }
    }
    await scanCode(ctx, SCANS['ruby']!);
    const routes = await readIn(ctx, 'config/routes.rb');
    const up = routes
      ? matchAll(routes.idx, /get\s+["'](\/?[\w/-]+)["']\s*=>\s*["']rails\/health#show["']/)[0]
      : undefined;
    if (routes && up) {
      draft.health.push({
        value: `/${up.groups[1]!.replace(/^\//, '')}`,
        confidence: 'high',
        reason: 'Rails health check route',
        evidence: [routes.idx.evidence(routes.file, up.line)],
        priority: PRIORITY.code + 10,
        language: 'ruby',
      });
    }
    if (gems.has('rails')) {
      const port = statedPort(ctx, 'ruby') ?? 3000;
      const rails = ctx.tree.has(relJoin(ctx.dir, 'bin/rails')) ? 'bin/rails' : 'bundle exec rails';
      addStart(ctx, `${rails} server -b 0.0.0.0 -p ${port}`, {
        confidence: 'medium',
        reason: 'Rails server (puma)',
        evidence: gemEvidence('rails'),
        priority: PRIORITY.convention,
        language: 'ruby',
      });
      addDefaultPort(ctx, 3000, 'Rails default port', gemEvidence('rails'), 'ruby');
    } else if (rackup) {
      const port = statedPort(ctx, 'ruby') ?? 9292;
      addStart(ctx, `bundle exec rackup --host 0.0.0.0 -p ${port}`, {
        confidence: 'medium',
        reason: 'Rack application (config.ru)',
        evidence: rackup.idx.evidence(rackup.file, 1),
        priority: PRIORITY.convention,
        language: 'ruby',
      });
      addDefaultPort(ctx, 9292, 'rackup default port', rackup.idx.evidence(rackup.file, 1), 'ruby');
    }
  },
};
