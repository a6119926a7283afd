/** Services, workspaces, Compose mapping, Dockerfiles, charts and names. */
import { expect } from 'chai';
import type { MemoryEntry } from '../../../engine/analyze/index.ts';
import { only, pkg, run } from './helpers.ts';

describe('analyze: structure', () => {
  it('splits a pnpm workspace into services and skips its libraries', async () => {
    const r = await run({
      'package.json': '{"name": "root", "private": true}',
      'pnpm-workspace.yaml': "packages:\n  - 'services/*'\n  - 'libs/*'\n",
      'pnpm-lock.yaml': 'lockfileVersion: 9\n',
      'services/a/package.json': pkg({ fastify: '4' }, { name: 'a', scripts: { start: 'node a.js' } }),
      'services/b/package.json': pkg({ express: '4' }, { name: 'b', scripts: { start: 'node b.js' } }),
      'libs/util/package.json': '{"name": "util", "main": "index.js"}',
      'libs/util/index.js': 'module.exports = 1;',
    });
    expect(r.services.map((s) => [s.name, s.path, s.startCommand?.value])).to.deep.equal([
      ['a', 'services/a', 'pnpm start'],
      ['b', 'services/b', 'pnpm start'],
    ]);
    expect(r.workspaces).to.have.length(1);
    expect(r.workspaces[0]).to.deep.include({
      tool: 'pnpm',
      path: '.',
      members: ['libs/util', 'services/a', 'services/b'],
    });
  });

  const workspaces: { name: string; files: Record<string, MemoryEntry>; tool: string; members: string[] }[] =
    [
      {
        name: 'go.work',
        files: {
          'go.work': 'go 1.22\n\nuse (\n\t./api\n\t./worker\n)\n',
          'api/go.mod': 'module a/api\n',
          'worker/go.mod': 'module a/worker\n',
        },
        tool: 'go',
        members: ['api', 'worker'],
      },
      {
        name: 'cargo workspace',
        files: {
          'Cargo.toml': '[workspace]\nmembers = [\n  "crates/*",\n]\n',
          'crates/x/Cargo.toml': '[package]\nname = "x"\n',
        },
        tool: 'cargo',
        members: ['crates/x'],
      },
      {
        name: 'maven modules',
        files: {
          'pom.xml':
            '<project>\n<modules>\n<module>api</module>\n<module>lib</module>\n</modules>\n</project>',
          'api/pom.xml': '<project/>',
          'lib/pom.xml': '<project/>',
        },
        tool: 'maven',
        members: ['api', 'lib'],
      },
      {
        name: 'gradle include',
        files: {
          'settings.gradle': "rootProject.name = 'p'\ninclude 'app', ':lib'\n",
          'app/build.gradle': '',
          'lib/build.gradle': '',
        },
        tool: 'gradle',
        members: ['app', 'lib'],
      },
    ];
  for (const c of workspaces) {
    it(`reads a ${c.name}`, async () => {
      const r = await run(c.files);
      expect(r.workspaces.map((w) => ({ tool: w.tool, members: w.members }))).to.deep.equal([
        { tool: c.tool, members: c.members },
      ]);
    });
  }

  it('maps two Compose services that share one build context, and an image-only app', async () => {
    const r = await run({
      'requirements.txt': 'celery\nredis\n',
      'compose.yml': [
        'services:',
        '  api:',
        '    build: .',
        '    command: ["gunicorn", "app:app", "-b", "0.0.0.0:8000"]',
        '  jobs:',
        '    build: .',
        '    command: celery -A tasks worker',
        '  proxy:',
        '    image: nginx:1.27',
        '    ports: ["80:8080"]',
        '  queue:',
        '    image: bitnami/redis:7.2',
        '',
      ].join('\n'),
    });
    expect(
      r.services.map((s) => [s.name, s.path, s.language?.value, s.startCommand?.value, s.image?.value]),
    ).to.deep.equal([
      ['api', '.', 'python', 'gunicorn app:app -b 0.0.0.0:8000', undefined],
      ['jobs', '.', 'python', 'celery -A tasks worker', undefined],
      ['proxy', '.', undefined, undefined, 'nginx:1.27'],
    ]);
    const proxy = r.services[2]!;
    expect(proxy.port?.value).to.equal(8080);
    expect(proxy.dependencies.map((d) => [d.kind, d.confidence, d.image])).to.deep.equal([
      ['redis', 'low', 'bitnami/redis:7.2'],
    ]);
    expect(r.services[0]!.dependencies.map((d) => [d.kind, d.confidence])).to.deep.equal([['redis', 'high']]);
  });

  it('notes Compose volumes the way kompose reads them', async () => {
    const s = await only({
      'compose.yaml':
        'services:\n  app:\n    image: acme/app\n    volumes:\n      - data:/var/lib/app\n      - ./conf:/etc/app:ro\n      - /tmp/cache\n    env_file: .env\n',
    });
    expect(s.compose?.volumes.map((v) => [v.type, v.source, v.target])).to.deep.equal([
      ['volume', 'data', '/var/lib/app'],
      ['bind', './conf', '/etc/app'],
      ['anonymous', undefined, '/tmp/cache'],
    ]);
    expect(s.compose?.envFiles).to.deep.equal(['.env']);
  });

  it('attaches a Helm chart and a kustomization to the service that holds them', async () => {
    const s = await only({
      'go.mod': 'module x/y\n',
      'deploy/chart/Chart.yaml': 'apiVersion: v2\nname: y\nversion: 1.2.3\nappVersion: "2.0"\n',
      'deploy/chart/templates/deployment.yaml': 'kind: Deployment\n',
      'deploy/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\n',
    });
    expect(s.helmChart).to.deep.include({
      path: 'deploy/chart',
      name: 'y',
      version: '1.2.3',
      appVersion: '2.0',
    });
    expect(s.kustomization).to.deep.include({ path: 'deploy/overlays/prod', resources: ['../../base'] });
  });

  it('reads a Dockerfile: final stage, exec and shell forms, USER, HEALTHCHECK', async () => {
    const s = await only({
      Dockerfile: [
        'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
        'EXPOSE 1111',
        'RUN go build -o /out/app .',
        'FROM gcr.io/distroless/static:nonroot',
        'COPY --from=build /out/app /app',
        'USER nonroot:nonroot',
        'EXPOSE 9000/tcp 9100',
        'HEALTHCHECK CMD ["/app", "-check", "http://127.0.0.1:9000/readyz"]',
        'ENTRYPOINT ["/app"]',
        'CMD --serve \\',
        '  --verbose',
        '',
      ].join('\n'),
    });
    expect(s.language?.value).to.equal('go');
    expect(s.language?.confidence).to.equal('low');
    expect(s.dockerfile?.stages).to.deep.equal(['golang:1.22', 'gcr.io/distroless/static:nonroot']);
    expect(s.dockerfile?.exposes).to.deep.equal([9000, 9100]);
    expect(s.dockerfile?.user?.value).to.equal('nonroot:nonroot');
    expect(s.startCommand?.value).to.equal('/app --serve --verbose');
    expect(s.port?.value).to.equal(9000);
    expect(s.healthPath?.value).to.equal('/readyz');
  });

  it('does not treat test fixtures, templates or a chart as services', async () => {
    const r = await run({
      'requirements.txt': 'django\n',
      'manage.py': 'import django\n',
      'templates/index.html': '<html></html>',
      'tests/fixtures/demo/package.json': pkg({ express: '4' }),
      'charts/app/Chart.yaml': 'name: app\nversion: 0.1.0\n',
    });
    expect(r.services.map((s) => s.path)).to.deep.equal(['.']);
  });

  it('keeps a Go backend and its front-end as two services', async () => {
    const r = await run({
      'go.mod': 'module acme/shop\n',
      'main.go': 'package main\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
      'web/package.json': pkg({}, { devDependencies: { vite: '5' }, scripts: { build: 'vite build' } }),
    });
    expect(
      r.services.map((s) => [s.path, s.language?.value, s.framework?.value, s.staticDir?.value]),
    ).to.deep.equal([
      ['.', 'go', 'net-http', undefined],
      ['web', 'node', 'static', 'dist'],
    ]);
  });

  it('gives unique DNS-1123 names', async () => {
    const r = await run({
      'a/package.json': pkg({ express: '4' }, { name: '@Acme/My_Service' }),
      'b/package.json': pkg({ express: '4' }, { name: 'my-service' }),
    });
    expect(r.services.map((s) => s.name)).to.deep.equal(['my-service', 'my-service-2']);
  });
});
