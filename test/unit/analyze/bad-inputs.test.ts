/** Bad inputs become clear problems; the analyser never throws for bad content and never reads secrets. */
import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, memoryFs, reportToJson } from '../../../engine/analyze/index.ts';
import type { AnalysisReport, AnalyzeFs, MemoryEntry } from '../../../engine/analyze/index.ts';

const ROOT = '/src/app';
const here = path.dirname(fileURLToPath(import.meta.url));

function run(files: Record<string, MemoryEntry>, limits = {}): Promise<AnalysisReport> {
  return analyze(ROOT, { fs: memoryFs(ROOT, files), limits });
}

function codes(r: AnalysisReport): string[] {
  return r.problems.map((p) => `${p.severity ?? 'Warning'}:${p.code}`);
}

const junk = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x13]);
const express = JSON.stringify({
  name: 'svc',
  scripts: { start: 'node index.js' },
  dependencies: { express: '4' },
});

describe('analyze: bad inputs', () => {
  const cases: {
    name: string;
    files: Record<string, MemoryEntry>;
    root?: string;
    problems: string[];
    services: number;
    where?: { file?: string; line?: number; column?: number };
  }[] = [
    { name: 'an empty directory', files: {}, problems: ['Fatal:analyze.empty'], services: 0 },
    {
      name: 'a directory holding only dependencies',
      files: { 'node_modules/x/index.js': 'x' },
      problems: ['Fatal:analyze.empty'],
      services: 0,
    },
    {
      name: 'a path that does not exist',
      files: {},
      root: '/nope',
      problems: ['Fatal:analyze.not-found'],
      services: 0,
    },
    {
      name: 'a file instead of a directory',
      files: { 'main.go': 'package main' },
      root: `${ROOT}/main.go`,
      problems: ['Fatal:analyze.not-a-directory'],
      services: 0,
    },
    {
      name: 'binary junk only',
      files: { 'blob.bin': junk, 'core.dump': junk },
      problems: ['Fatal:analyze.unrecognized'],
      services: 0,
    },
    {
      name: 'a binary file named like a manifest',
      files: { 'package.json': junk },
      problems: ['Fatal:analyze.unrecognized', 'Warning:analyze.binary'],
      services: 0,
      where: { file: 'package.json' },
    },
    {
      name: 'an unreadable manifest (permission denied)',
      files: { 'package.json': { error: 'EACCES' }, 'index.js': 'require("express")' },
      problems: ['Fatal:analyze.unrecognized', 'Warning:analyze.unreadable'],
      services: 0,
      where: { file: 'package.json' },
    },
    {
      name: 'an unreadable source file beside a good manifest',
      files: { 'package.json': express, 'index.js': { error: 'EACCES' } },
      problems: ['Warning:analyze.unreadable'],
      services: 1,
      where: { file: 'index.js' },
    },
    {
      name: 'an unreadable directory',
      files: { 'package.json': express, 'secret/': { error: 'EACCES' } },
      problems: ['Warning:analyze.unreadable'],
      services: 1,
      where: { file: 'secret' },
    },
    {
      name: 'a package.json with a syntax error',
      files: { 'package.json': '{\n  "name": "x",\n  "dependencies": {\n    "express": "4",\n  }\n}\n' },
      problems: ['Fatal:analyze.parse'],
      services: 1,
      where: { file: 'package.json', line: 5, column: 3 },
    },
    {
      name: 'conflicting ports between Compose and code',
      files: {
        'package.json': express,
        'index.js': 'const app = require("express")();\napp.listen(3000);\n',
        'compose.yaml': 'services:\n  svc:\n    build: .\n    ports: ["80:5000"]\n',
      },
      problems: ['Warning:analyze.port.conflict'],
      services: 1,
      where: { file: 'compose.yaml', line: 4 },
    },
    {
      name: 'a Compose build context that does not exist',
      files: { 'compose.yaml': 'services:\n  api:\n    build: ./api\n' },
      problems: ['Warning:analyze.compose.context'],
      services: 1,
      where: { file: 'compose.yaml', line: 3 },
    },
  ];

  for (const c of cases) {
    it(`reports ${c.name}`, async () => {
      const r = await analyze(c.root ?? ROOT, { fs: memoryFs(ROOT, c.files) });
      expect(codes(r)).to.deep.equal(c.problems);
      expect(r.services).to.have.length(c.services);
      if (c.where) {
        const p = r.problems.find((x) => x.severity !== 'Fatal' || x.code !== 'analyze.unrecognized')!;
        expect({ file: p.file, line: p.line, column: p.column }).to.deep.include(c.where);
      }
      for (const p of r.problems) expect(p.message).to.match(/\S/).and.not.match(/\.$/);
    });
  }

  it('reads real disk paths too: a missing directory', async () => {
    const r = await analyze(path.join(here, 'no-such-dir'));
    expect(codes(r)).to.deep.equal(['Fatal:analyze.not-found']);
  });

  const composeErrors: {
    name: string;
    text: string;
    code: string;
    line: number;
    column?: number;
    path?: string;
  }[] = [
    {
      name: 'bad indentation',
      text: 'services:\n  web:\n    image: nginx\n   ports: ["80"]\n',
      code: 'analyze.compose.syntax',
      line: 4,
      column: 1,
    },
    {
      name: 'an unclosed quote',
      text: 'services:\n  web:\n    image: "nginx\n',
      code: 'analyze.compose.syntax',
      line: 4,
    },
    {
      name: 'a duplicate key',
      text: 'services:\n  web:\n    image: a\n    image: b\n',
      code: 'analyze.compose.syntax',
      line: 4,
      column: 5,
    },
    { name: 'a list at the top', text: '- web\n- db\n', code: 'analyze.compose.shape', line: 1, path: '' },
    {
      name: 'no services',
      text: 'version: "3.9"\nvolumes: {}\n',
      code: 'analyze.compose.shape',
      line: 1,
      path: 'services',
    },
    {
      name: 'services as a list',
      text: 'services:\n  - web\n',
      code: 'analyze.compose.shape',
      line: 2,
      path: 'services',
    },
    {
      name: 'a service that is a string',
      text: 'services:\n  web: nginx\n',
      code: 'analyze.compose.shape',
      line: 2,
      path: 'services.web',
    },
    {
      name: 'a service without image or build',
      text: 'services:\n  web:\n    ports: ["80"]\n',
      code: 'analyze.compose.shape',
      line: 2,
      path: 'services.web',
    },
    {
      name: 'an unreadable port',
      text: 'services:\n  web:\n    image: nginx\n    ports: ["http"]\n',
      code: 'analyze.compose.shape',
      line: 4,
      path: 'services.web.ports',
    },
  ];
  for (const c of composeErrors) {
    it(`reports a Compose file with ${c.name} at its line`, async () => {
      const r = await run({ 'docker-compose.yml': c.text, 'package.json': express });
      const p = r.problems.find((x) => x.code === c.code);
      expect(p, JSON.stringify(r.problems)).to.not.equal(undefined);
      expect(p!.severity).to.equal('Fatal');
      expect(p!.file).to.equal('docker-compose.yml');
      expect(p!.line).to.equal(c.line);
      if (c.column !== undefined) expect(p!.column).to.equal(c.column);
      if (c.path !== undefined) expect(p!.path).to.equal(c.path);
    });
  }

  const weird: { name: string; files: Record<string, MemoryEntry> }[] = [
    { name: 'package.json null', files: { 'package.json': 'null' } },
    { name: 'package.json a list', files: { 'package.json': '[1,2]' } },
    {
      name: 'package.json with odd types',
      files: { 'package.json': '{"dependencies": [1], "scripts": 5, "workspaces": {}}' },
    },
    { name: 'compose services null', files: { 'compose.yaml': 'services:\n' } },
    { name: 'a Cargo.toml of garbage', files: { 'Cargo.toml': '[[[\n= = =\nname = \n[package\n' } },
    { name: 'a pom.xml of garbage', files: { 'pom.xml': '<project><dependency><artifactId>' } },
    { name: 'a Dockerfile of garbage', files: { Dockerfile: 'FROM\nEXPOSE abc\nCMD [\n\\\n' } },
    { name: 'a go.mod without a module', files: { 'go.mod': 'require (\n' } },
    { name: 'a Chart.yaml that is not YAML', files: { 'Chart.yaml': ': : :\n\t-', 'go.mod': 'module x\n' } },
    { name: 'a csproj without a project', files: { 'a.csproj': '<nope' } },
  ];
  for (const c of weird) {
    it(`does not throw on ${c.name}`, async () => {
      const r = await run(c.files);
      expect(r.root).to.equal(ROOT);
      expect(() => reportToJson(r)).to.not.throw();
    });
  }

  it('never reads a real .env file, and says so', async () => {
    const reads: string[] = [];
    const inner = memoryFs(ROOT, {
      'package.json': express,
      '.env': 'SECRET_TOKEN=hunter2',
      '.env.example': 'API_TOKEN=\n',
    });
    const spy: AnalyzeFs = { ...inner, readFile: (p) => (reads.push(p), inner.readFile(p)) };
    const r = await analyze(ROOT, { fs: spy });
    expect(reads).to.not.include(`${ROOT}/.env`);
    expect(reads).to.include(`${ROOT}/.env.example`);
    expect(codes(r)).to.deep.equal(['Normal:analyze.env.private']);
    expect(reportToJson(r)).to.not.contain('hunter2').and.not.contain('SECRET_TOKEN');
    expect(r.services[0]!.env.map((e) => [e.name, e.secret])).to.deep.equal([['API_TOKEN', true]]);
  });

  it('keeps secret values out of the report', async () => {
    const r = await run({
      'compose.yaml':
        'services:\n  api:\n    image: acme/api:1\n    environment:\n      DB_PASSWORD: s3cr3t-pw\n      DATABASE_URL: postgres://u:pa55word@db/app\n',
      '.env.sample': 'STRIPE_API_KEY=sk_live_abcdef\n',
    });
    const json = reportToJson(r);
    for (const secret of ['s3cr3t-pw', 'pa55word', 'sk_live_abcdef']) expect(json).to.not.contain(secret);
    expect(json).to.contain('DB_PASSWORD: ***');
  });

  it('stops listing at the file limit and skips files over the size limit', async () => {
    const files: Record<string, MemoryEntry> = {
      'package.json': express,
      '.env.example': `A=${'x'.repeat(2000)}`,
    };
    for (let i = 0; i < 20; i++) files[`src/f${String(i).padStart(2, '0')}.js`] = 'x';
    const r = await run(files, { maxFiles: 10, maxFileBytes: 1000 });
    expect(codes(r)).to.include.members(['Warning:analyze.limit.files', 'Normal:analyze.limit.file-size']);
    expect(r.services).to.have.length(1);
  });
});
