/** Python: requirements.txt, pyproject.toml, Pipfile, manage.py; Django, Flask, FastAPI. */
import { dataServiceForPackage } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { type LineIndex, matchAll, relJoin } from '../evidence.ts';
import { readToml } from '../manifest/toml.ts';
import type { Evidence, Framework } from '../types.ts';
import { SCANS, addDefaultPort, addStart, scanCode, statedPort } from './code-scan.ts';
import { type DetectContext, type Detector, ownedWith, readIn } from './context.ts';

const MANIFESTS = ['requirements.txt', 'pyproject.toml', 'Pipfile', 'setup.py', 'manage.py'];
const FRAMEWORKS: readonly [string, Framework, number][] = [
  ['django', 'django', 3],
  ['fastapi', 'fastapi', 2],
  ['flask', 'flask', 1],
];
const SERVERS = ['gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'waitress'];

function normalize(name: string): string {
  return name.toLowerCase().replace(/[_.]+/g, '-');
}

/** `name` from a PEP 508 requirement string (`Django>=5.0`, `uvicorn[standard]`). */
function requirementName(spec: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m ? normalize(m[1]!) : undefined;
}

async function collectDeps(ctx: DetectContext): Promise<Map<string, Evidence>> {
  const deps = new Map<string, Evidence>();
  const add = (name: string | undefined, ev: Evidence): void => {
    if (name && !deps.has(name)) deps.set(name, ev);
  };
  const reqFiles = ctx.files.filter((f) => {
    const rel = ctx.dir === '' ? f : f.slice(ctx.dir.length + 1);
    return /^requirements(?:[-_.][\w-]+)?\.txt$/.test(rel) || /^requirements\/[\w.-]+\.txt$/.test(rel);
  });
  for (const file of reqFiles.sort((a, b) => (a.endsWith('/requirements.txt') ? -1 : a.localeCompare(b)))) {
    if (/dev|test|lint/i.test(file.slice(file.lastIndexOf('/') + 1))) continue;
    const idx = await ctx.tree.text(file);
    if (!idx) continue;
    for (const [i, raw] of idx.lines.entries()) {
      const line = raw.replace(/#.*$/, '').trim();
      if (line === '' || line.startsWith('-') || /:\/\//.test(line)) continue;
      add(requirementName(line), idx.evidence(file, i + 1));
    }
  }
  const py = await readIn(ctx, 'pyproject.toml');
  if (py) {
    for (const e of readToml(py.idx.text)) {
      if (e.table === 'project' && e.key === 'dependencies')
        for (const s of e.strings) add(requirementName(s.value), py.idx.evidence(py.file, s.line));
      if (e.table === 'tool.poetry.dependencies' && e.key !== 'python')
        add(normalize(e.key), py.idx.evidence(py.file, e.line));
      if ((e.table === 'project' || e.table === 'tool.poetry') && e.key === 'name' && e.string) {
        ctx.draft.names.push({
          value: e.string,
          confidence: 'high',
          reason: 'pyproject.toml name',
          evidence: [py.idx.evidence(py.file, e.line)],
          priority: PRIORITY.manifest,
        });
      }
    }
  }
  const pipfile = await readIn(ctx, 'Pipfile');
  if (pipfile) {
    for (const e of readToml(pipfile.idx.text))
      if (e.table === 'packages') add(normalize(e.key), pipfile.idx.evidence(pipfile.file, e.line));
  }
  return deps;
}

/** The module path of a file relative to the service (`app/main.py` → `app.main`). */
function moduleOf(ctx: DetectContext, file: string): string {
  const rel = ctx.dir === '' ? file : file.slice(ctx.dir.length + 1);
  return rel.replace(/\.py$/, '').replace(/\//g, '.');
}

interface AppObject {
  module: string;
  variable: string;
  file: string;
  idx: LineIndex;
  line: number;
}

async function findApp(ctx: DetectContext, re: RegExp): Promise<AppObject | undefined> {
  const files = ownedWith(ctx, ['.py']).sort(
    (a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1),
  );
  for (const file of files) {
    const idx = await ctx.tree.text(file, true);
    const m = idx ? matchAll(idx, re)[0] : undefined;
    if (idx && m) return { module: moduleOf(ctx, file), variable: m.groups[1]!, file, idx, line: m.line };
  }
  return undefined;
}

async function djangoDatabase(ctx: DetectContext): Promise<void> {
  for (const file of ctx.files.filter((f) => /(^|\/)settings(\.py|\/[\w]+\.py)$/.test(f))) {
    const idx = await ctx.tree.text(file, true);
    if (!idx) continue;
    for (const m of matchAll(idx, /django\.db\.backends\.(postgresql|postgresql_psycopg2|mysql)\b/)) {
      const kind = m.groups[1]!.startsWith('postgresql') ? 'postgresql' : 'mysql';
      ctx.draft.addDep(kind, `django.db.backends.${m.groups[1]!}`, 'high', 'Django DATABASES ENGINE', [
        idx.evidence(file, m.line),
      ]);
    }
  }
}

export const pythonDetector: Detector = {
  id: 'python',
  claims: (names) => MANIFESTS.some((m) => names.includes(m)),
  async detect(ctx) {
    const { draft } = ctx;
    const manifest = MANIFESTS.find((m) => ctx.tree.has(relJoin(ctx.dir, m)));
    if (!manifest) return;
    draft.strong = true;
    const manifestFile = relJoin(ctx.dir, manifest);
    const manifestIdx = await ctx.tree.text(manifestFile);
    const firstEvidence: Evidence = manifestIdx
      ? manifestIdx.evidence(manifestFile, 1)
      : { file: manifestFile, line: 1 };
    draft.language.push({
      value: 'python',
      confidence: 'high',
      reason: manifest,
      evidence: [firstEvidence],
      priority: PRIORITY.manifest,
    });
    const deps = await collectDeps(ctx);
    for (const [dep, fw, rank] of FRAMEWORKS) {
      const ev = deps.get(dep);
      if (ev) {
        draft.framework.push({
          value: fw,
          confidence: 'high',
          reason: `dependency "${dep}"`,
          evidence: [ev],
          priority: PRIORITY.manifest + rank,
        });
      }
    }
    const managePy = await readIn(ctx, 'manage.py');
    if (managePy) {
      const line = managePy.idx.lines.findIndex((l) => /DJANGO_SETTINGS_MODULE|django/.test(l));
      if (line >= 0) {
        draft.framework.push({
          value: 'django',
          confidence: 'high',
          reason: 'manage.py',
          evidence: [managePy.idx.evidence(managePy.file, line + 1)],
          priority: PRIORITY.manifest + 3,
        });
      }
    }
    for (const [name, ev] of [...deps.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const kind = dataServiceForPackage('pypi', name);
      if (kind) draft.addDep(kind, name, 'high', `dependency "${name}"`, [ev]);
    }

    await scanCode(ctx, SCANS['python']!);
    const fw = [...draft.framework].sort((a, b) => b.priority - a.priority)[0]?.value;
    const server = SERVERS.find((s) => deps.has(s));
    const start = (command: string, reason: string, evidence: Evidence): void =>
      addStart(ctx, command, {
        confidence: 'medium',
        reason,
        evidence,
        priority: PRIORITY.convention,
        language: 'python',
      });
    const stated = statedPort(ctx, 'python');

    if (fw === 'django') {
      await djangoDatabase(ctx);
      const port = stated ?? 8000;
      const wsgi = await findApp(ctx, /(application)\s*=\s*get_wsgi_application\(/);
      if (wsgi && server === 'gunicorn') {
        start(
          `gunicorn ${wsgi.module}:application --bind 0.0.0.0:${port}`,
          'Django WSGI app served by gunicorn',
          wsgi.idx.evidence(wsgi.file, wsgi.line),
        );
      } else if (managePy) {
        start(
          `python manage.py runserver 0.0.0.0:${port}`,
          'Django development server',
          managePy.idx.evidence(managePy.file, 1),
        );
      }
      addDefaultPort(ctx, 8000, 'Django default port', firstEvidence, 'python');
    } else if (fw === 'fastapi') {
      const app = await findApp(ctx, /^(\w+)\s*=\s*FastAPI\(/m);
      const port = stated ?? 8000;
      if (app) {
        start(
          `uvicorn ${app.module}:${app.variable} --host 0.0.0.0 --port ${port}`,
          'FastAPI app served by uvicorn',
          app.idx.evidence(app.file, app.line),
        );
      }
      addDefaultPort(
        ctx,
        8000,
        'uvicorn default port',
        app ? app.idx.evidence(app.file, app.line) : firstEvidence,
        'python',
      );
    } else if (fw === 'flask') {
      const app = await findApp(ctx, /^(\w+)\s*=\s*Flask\(/m);
      if (app && server === 'gunicorn') {
        const port = stated ?? 8000;
        start(
          `gunicorn --bind 0.0.0.0:${port} ${app.module}:${app.variable}`,
          'Flask app served by gunicorn',
          app.idx.evidence(app.file, app.line),
        );
        addDefaultPort(ctx, 8000, 'gunicorn default port', app.idx.evidence(app.file, app.line), 'python');
      } else if (app) {
        const port = stated ?? 5000;
        start(
          `flask --app ${app.module} run --host 0.0.0.0 --port ${port}`,
          'Flask development server',
          app.idx.evidence(app.file, app.line),
        );
        addDefaultPort(ctx, 5000, 'Flask default port', app.idx.evidence(app.file, app.line), 'python');
      }
    }
  },
};
