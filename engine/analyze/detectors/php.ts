/** PHP: composer.json, artisan; Laravel and Symfony. */
import { dataServiceForPackage } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { matchAll, relJoin } from '../evidence.ts';
import { SCANS, addDefaultPort, addStart, scanCode } from './code-scan.ts';
import { type Detector, isRecord, parseJson, readIn } from './context.ts';
import { jsonKeyLine } from './node.ts';

const FRAMEWORKS = [
  ['laravel/framework', 'laravel', 2],
  ['symfony/framework-bundle', 'symfony', 1],
] as const;

export const phpDetector: Detector = {
  id: 'php',
  claims: (names) =>
    names.includes('composer.json') || names.includes('artisan') || names.includes('index.php'),
  async detect(ctx) {
    const { draft } = ctx;
    const composer = await readIn(ctx, 'composer.json');
    const artisan = await readIn(ctx, 'artisan');
    const index = (await readIn(ctx, 'index.php')) ?? (await readIn(ctx, 'public/index.php'));
    const first = composer ?? artisan ?? index;
    if (!first) return;
    draft.strong = true;
    draft.language.push({
      value: 'php',
      confidence: composer ? 'high' : 'medium',
      reason: composer ? 'composer.json' : first.file,
      evidence: [first.idx.evidence(first.file, 1)],
      priority: PRIORITY.manifest,
    });
    const json = composer ? parseJson(ctx, composer.file, composer.idx) : undefined;
    const require = isRecord(json) && isRecord(json['require']) ? Object.keys(json['require']) : [];
    if (composer && isRecord(json) && typeof json['name'] === 'string') {
      draft.names.push({
        value: json['name'].replace(/^[^/]+\//, ''),
        confidence: 'high',
        reason: 'composer.json name',
        evidence: [composer.idx.evidence(composer.file, jsonKeyLine(composer.idx, 'name'))],
        priority: PRIORITY.manifest,
      });
    }
    const ev = (name: string) =>
      composer!.idx.evidence(composer!.file, jsonKeyLine(composer!.idx, name, 'require'));
    for (const [pkg, fw, rank] of FRAMEWORKS) {
      if (require.includes(pkg)) {
        draft.framework.push({
          value: fw,
          confidence: 'high',
          reason: `composer.json requires ${pkg}`,
          evidence: [ev(pkg)],
          priority: PRIORITY.manifest + rank,
        });
      }
    }
    if (artisan) {
      draft.framework.push({
        value: 'laravel',
        confidence: 'high',
        reason: 'artisan console',
        evidence: [artisan.idx.evidence(artisan.file, 1)],
        priority: PRIORITY.manifest + 2,
      });
    }
    for (const pkg of [...require].sort()) {
      const kind = dataServiceForPackage('composer', pkg);
      if (kind) draft.addDep(kind, pkg, 'high', `composer.json requires ${pkg}`, [ev(pkg)]);
    }
    const example = (await readIn(ctx, '.env.example')) ?? (await readIn(ctx, '.env.sample'));
    if (example) {
      for (const m of matchAll(example.idx, /^\s*DB_CONNECTION\s*=\s*["']?(pgsql|mysql|mariadb)\b/m)) {
        draft.addDep(
          m.groups[1] === 'pgsql' ? 'postgresql' : 'mysql',
          'DB_CONNECTION',
          'medium',
          'DB_CONNECTION in the example environment',
          [example.idx.evidence(example.file, m.line)],
        );
      }
      for (const m of matchAll(
        example.idx,
        /^\s*(CACHE_STORE|CACHE_DRIVER|QUEUE_CONNECTION|SESSION_DRIVER)\s*=\s*["']?redis\b/m,
      )) {
        draft.addDep('redis', m.groups[1]!, 'medium', `${m.groups[1]!} in the example environment`, [
          example.idx.evidence(example.file, m.line),
        ]);
      }
    }
    await scanCode(ctx, SCANS['php']!);
    const bootstrap = await readIn(ctx, 'bootstrap/app.php');
    const health = bootstrap ? matchAll(bootstrap.idx, /\bhealth:\s*['"](\/[\w/-]*)['"]/)[0] : undefined;
    if (bootstrap && health) {
      draft.health.push({
        value: health.groups[1]!,
        confidence: 'high',
        reason: 'Laravel health route',
        evidence: [bootstrap.idx.evidence(bootstrap.file, health.line)],
        priority: PRIORITY.code + 10,
        language: 'php',
      });
    }
    const laravel = draft.framework.some((f) => f.value === 'laravel');
    const evidence = artisan ? artisan.idx.evidence(artisan.file, 1) : first.idx.evidence(first.file, 1);
    if (laravel) {
      addStart(ctx, 'php artisan serve --host=0.0.0.0 --port=8000', {
        confidence: 'medium',
        reason: 'Laravel built-in server',
        evidence,
        priority: PRIORITY.convention,
        language: 'php',
      });
      addDefaultPort(ctx, 8000, 'artisan serve default port', evidence, 'php');
    } else {
      const docroot = ctx.tree.has(relJoin(ctx.dir, 'public/index.php')) ? ' -t public' : '';
      addStart(ctx, `php -S 0.0.0.0:8000${docroot}`, {
        confidence: 'low',
        reason: 'PHP built-in server',
        evidence,
        priority: PRIORITY.convention,
        language: 'php',
      });
      addDefaultPort(ctx, 8000, 'PHP built-in server convention', evidence, 'php');
    }
  },
};
