/** Claim generation: an analysis report -> App, PostgreSQL and Redis claims, validated by rendering. */
import { expect } from 'chai';
import { generateClaims, validateClaims } from '../../../engine/analyze/claims/index.ts';
import type { GeneratedClaim } from '../../../engine/analyze/claims/index.ts';
import { claimPacks } from './claims-support.ts';
import { pkg, run } from './helpers.ts';

const EXPRESS =
  "const app = require('express')();\napp.get('/healthz', (q, r) => r.send('ok'));\napp.listen(process.env.PORT || 3000);\n";

function byName(claims: GeneratedClaim[], kind: string, name: string): GeneratedClaim {
  const found = claims.find((c) => c.kind === kind && c.metadata.name === name);
  expect(
    found,
    `${kind}/${name} in ${claims.map((c) => `${c.kind}/${c.metadata.name}`).join(', ')}`,
  ).to.not.equal(undefined);
  return found!;
}

describe('analyze: claims', () => {
  it('one App per service, a PostgreSQL and a Redis claim per app wired through their variables', async () => {
    const report = await run({
      'package.json': pkg(
        { express: '4', pg: '8', ioredis: '5' },
        { name: 'shop', scripts: { start: 'node index.js' } },
      ),
      'index.js': `${EXPRESS}const url = process.env.PG_URL;\n`,
      '.env.example': 'PG_URL=\nSESSION_SECRET=\n',
    });
    const set = generateClaims(report, {
      source: 'shop-src',
      namespace: 'dev',
      registry: 'reg.example.com/team',
    });
    expect(set.errors).to.deep.equal([]);
    expect(set.claims.map((c) => `${c.kind}/${c.metadata.name}`)).to.deep.equal([
      'PostgreSQL/shop-db',
      'Redis/shop-cache',
      'App/shop',
    ]);
    for (const c of set.claims) {
      expect(c.metadata.namespace).to.equal('dev');
      expect(c.metadata.labels['kubify.io/source']).to.equal('shop-src');
    }
    const app = byName(set.claims, 'App', 'shop').spec;
    expect(app.port).to.equal(3000);
    expect(app.databases).to.deep.equal([{ name: 'shop-db', env: 'PG_URL' }]);
    expect(app.caches).to.deep.equal([
      { name: 'shop-cache', urlEnv: 'REDIS_URL', passwordEnv: 'REDIS_PASSWORD' },
    ]);
    expect(app.env).to.deep.equal([{ name: 'PORT', value: '3000' }]);
    expect(app.probes).to.deep.equal({ type: 'http', path: '/healthz' });
    expect(app.build).to.deep.include({
      destination: 'reg.example.com/team/shop:latest',
      dockerfile: 'Dockerfile',
    });
    expect(set.builds.map((b) => [b.app, b.contextDir, b.configMap, b.generated?.path])).to.deep.equal([
      ['shop', '.', 'shop-context', 'Dockerfile'],
    ]);
    expect(set.secrets).to.deep.equal([
      { name: 'shop-cache-redis-auth', key: 'password', for: 'Redis/shop-cache' },
    ]);
    const skipped = set.decisions.filter((d) => d.kind === 'skipped').map((d) => d.message);
    expect(skipped.join('\n')).to.contain('SESSION_SECRET (secret)');
    const { problems } = validateClaims(set.claims, await claimPacks());
    expect(problems).to.deep.equal([]);
  });

  it('Compose data services become one shared claim named after the Compose service', async () => {
    const report = await run({
      'compose.yaml':
        'services:\n  api:\n    build: ./api\n    depends_on: [db]\n    environment:\n      DB_URL: postgres://db/x\n  jobs:\n    build: ./jobs\n    depends_on: [db]\n  db:\n    image: postgres:15\n',
      'api/package.json': pkg({ express: '4', pg: '8' }),
      'api/index.js': EXPRESS,
      'jobs/requirements.txt': 'psycopg\n',
      'jobs/main.py': 'print(1)\n',
    });
    const set = generateClaims(report, { source: 'x' });
    expect(set.claims.map((c) => `${c.kind}/${c.metadata.name}`)).to.deep.equal([
      'PostgreSQL/db',
      'App/api',
      'App/jobs',
    ]);
    expect(byName(set.claims, 'PostgreSQL', 'db').spec).to.deep.equal({ version: '15' });
    expect(byName(set.claims, 'App', 'api').spec.databases).to.deep.equal([{ name: 'db', env: 'DB_URL' }]);
    expect(byName(set.claims, 'App', 'jobs').spec.databases).to.deep.equal([
      { name: 'db', env: 'DATABASE_URL' },
    ]);
    expect(byName(set.claims, 'App', 'jobs').spec.probes).to.deep.equal({ type: 'none' });
  });

  it('an image (given, or a Compose image without build) means no build; ports can be given', async () => {
    const report = await run({
      'compose.yaml':
        'services:\n  proxy:\n    image: nginx:1.27\n    ports: ["80:8080"]\n  api:\n    build: .\n',
      'package.json': pkg({ express: '4' }),
      'index.js': EXPRESS,
    });
    const set = generateClaims(report, {
      source: 'x',
      images: { api: 'ghcr.io/a/api:1' },
      ports: { api: 9000 },
    });
    const api = byName(set.claims, 'App', 'api').spec;
    const proxy = byName(set.claims, 'App', 'proxy').spec;
    expect([api.image, api.build, api.port]).to.deep.equal(['ghcr.io/a/api:1', undefined, 9000]);
    expect([proxy.image, proxy.build, proxy.port]).to.deep.equal(['nginx:1.27', undefined, 8080]);
    expect(set.builds).to.deep.equal([]);
  });

  it('tags a built image by its context digest, and keeps the package Dockerfile path', async () => {
    const report = await run({
      'svc/Dockerfile': 'FROM python:3.12\nUSER 1000\nEXPOSE 8000\nCMD ["python", "app.py"]\n',
      'svc/requirements.txt': 'flask\n',
      'svc/app.py': 'print(1)\n',
    });
    const set = generateClaims(report, {
      source: 'x',
      contexts: { svc: { configMap: 'svc-context', digest: 'abcdef0123456789ff' } },
    });
    const app = byName(set.claims, 'App', 'svc').spec;
    expect(app.build).to.deep.include({
      destination: 'localhost:5000/x/svc:src-abcdef012345',
      dockerfile: 'Dockerfile',
    });
    expect(app.securityContext).to.equal(undefined);
    expect(set.builds[0]?.generated).to.equal(undefined);
    expect(
      set.decisions.some((d) => d.kind === 'assumed' && d.message.includes('localhost:5000/x')),
    ).to.equal(true);
  });

  it('a Dockerfile running as root gets a numeric runAsUser, recorded as assumed', async () => {
    const report = await run({ Dockerfile: 'FROM node:20\nEXPOSE 3000\nCMD ["node", "a.js"]\n', 'a.js': '' });
    const set = generateClaims(report, { source: 'x' });
    expect(set.claims[0]?.spec.securityContext).to.deep.equal({ runAsUser: 10001 });
    expect(set.decisions.find((d) => d.message.startsWith('runAsUser'))?.kind).to.equal('assumed');
  });

  it('refuses a fatal analysis and a service it cannot build, saying why', async () => {
    const empty = generateClaims(await run({ 'empty/': '' }), { source: 'x' });
    expect(empty.claims).to.deep.equal([]);
    expect(empty.errors.join('\n')).to.match(/cannot generate claims: .*empty/);
    const report = await run({
      'compose.yaml': 'services:\n  thing:\n    build: ./thing\n',
      'thing/README': 'x\n',
    });
    const set = generateClaims(report, { source: 'x' });
    expect(set.errors.join('\n')).to.contain('thing: no image, no Dockerfile and no known language');
  });

  it('is deterministic and orders data services before apps', async () => {
    const files = {
      'a/package.json': pkg({ express: '4', redis: '4' }),
      'a/index.js': EXPRESS,
      'b/package.json': pkg({ express: '4', pg: '8' }),
      'b/index.js': EXPRESS,
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['a', 'b'] }),
    };
    const one = generateClaims(await run(files), { source: 'x' });
    const two = generateClaims(await run(files), { source: 'x' });
    expect(JSON.stringify(one)).to.equal(JSON.stringify(two));
    expect(one.claims.map((c) => c.kind)).to.deep.equal(['PostgreSQL', 'Redis', 'App', 'App']);
  });

  it('validateClaims reports a claim that does not render, and a broken override of the composed Build', async () => {
    const report = await run({ 'package.json': pkg({ express: '4' }), 'index.js': EXPRESS });
    const set = generateClaims(report, { source: 'x' });
    const app = set.claims[0]!;
    const bad = { ...app, spec: { ...app.spec, port: 'eighty' } };
    const packs = await claimPacks();
    const first = validateClaims([bad], packs).problems;
    expect(first.map((p) => `${p.claim} ${p.path}`).join('\n')).to.contain('App/x spec.port');
    const overrides = structuredClone(app.spec.overrides) as {
      build: { value: { job: { value: string }[] } }[];
    };
    overrides.build[0]!.value.job[0]!.value = '--context=somewhere-else';
    const nested = validateClaims([{ ...app, spec: { ...app.spec, overrides } }], packs).problems;
    expect(nested.map((p) => p.claim)).to.deep.equal(['Build/x-build']);
    expect(nested[0]?.code).to.match(/override/);
    const unknown = validateClaims(
      [{ apiVersion: 'x/v1', kind: 'Nope', metadata: { name: 'n' } }],
      packs,
    ).problems;
    expect(unknown[0]?.code).to.equal('claims.no-pack');
  });
});
