/** Listening ports from every kind of signal, with confidence and evidence. */
import { expect } from 'chai';
import type { MemoryEntry } from '../../../engine/analyze/index.ts';
import { only, pkg, run } from './helpers.ts';

describe('analyze: ports', () => {
  const cases: {
    name: string;
    files: Record<string, MemoryEntry>;
    port: number;
    confidence: string;
    file: string;
    line: number;
  }[] = [
    {
      name: 'node listen literal',
      files: { 'package.json': pkg({ express: '4' }), 'a.js': 'x\napp.listen(4321)' },
      port: 4321,
      confidence: 'high',
      file: 'a.js',
      line: 2,
    },
    {
      name: 'node PORT ?? default',
      files: { 'package.json': pkg({ koa: '2' }), 'a.ts': 'listen(Number(process.env.PORT ?? "5050"))' },
      port: 5050,
      confidence: 'medium',
      file: 'a.ts',
      line: 1,
    },
    {
      name: 'next start -p',
      files: { 'package.json': pkg({ next: '14' }, { scripts: { start: 'next start -p 4100' } }) },
      port: 4100,
      confidence: 'high',
      file: 'package.json',
      line: 7,
    },
    {
      name: 'flask app.run(port=)',
      files: {
        'requirements.txt': 'flask\n',
        'app.py': 'app = Flask(__name__)\napp.run(host="0.0.0.0", port=7000)\n',
      },
      port: 7000,
      confidence: 'high',
      file: 'app.py',
      line: 2,
    },
    {
      name: 'gunicorn.conf.py bind',
      files: { 'requirements.txt': 'django\ngunicorn\n', 'gunicorn.conf.py': 'bind = "0.0.0.0:8800"\n' },
      port: 8800,
      confidence: 'high',
      file: 'gunicorn.conf.py',
      line: 1,
    },
    {
      name: 'django default',
      files: { 'requirements.txt': 'Django==5.0\n' },
      port: 8000,
      confidence: 'low',
      file: 'requirements.txt',
      line: 1,
    },
    {
      name: 'go http.Server Addr',
      files: {
        'go.mod': 'module a/b\n',
        'main.go': 'package main\nfunc main() {\n\ts := &http.Server{Addr: ":7070"}\n}\n',
      },
      port: 7070,
      confidence: 'high',
      file: 'main.go',
      line: 3,
    },
    {
      name: 'gin Run() default',
      files: {
        'go.mod': 'module a/b\nrequire github.com/gin-gonic/gin v1.10.0\n',
        'main.go': 'package main\nfunc main() {\n\tr := gin.Default()\n\tr.Run()\n}\n',
      },
      port: 8080,
      confidence: 'low',
      file: 'main.go',
      line: 4,
    },
    {
      name: 'spring server.port',
      files: {
        'pom.xml': '<project><artifactId>a</artifactId></project>',
        'src/main/resources/application.properties': 'a=b\nserver.port = 9090\n',
      },
      port: 9090,
      confidence: 'high',
      file: 'src/main/resources/application.properties',
      line: 2,
    },
    {
      name: 'puma port literal',
      files: { Gemfile: 'gem "rails"\n', 'config/puma.rb': 'port 3333\n' },
      port: 3333,
      confidence: 'high',
      file: 'config/puma.rb',
      line: 1,
    },
    {
      name: 'Kestrel URL in appsettings.json',
      files: {
        'A.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>',
        'appsettings.json': '{\n  "Urls": "http://0.0.0.0:5005"\n}',
      },
      port: 5005,
      confidence: 'high',
      file: 'appsettings.json',
      line: 2,
    },
    {
      name: 'dotnet app.Run(url)',
      files: {
        'A.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>',
        'Program.cs': 'app.Run("http://0.0.0.0:5001");',
      },
      port: 5001,
      confidence: 'high',
      file: 'Program.cs',
      line: 1,
    },
    {
      name: 'actix bind tuple',
      files: {
        'Cargo.toml': '[package]\nname = "a"\n[dependencies]\nactix-web = "4"\n',
        'src/main.rs': 'HttpServer::new(f).bind(("0.0.0.0", 8088))?',
      },
      port: 8088,
      confidence: 'high',
      file: 'src/main.rs',
      line: 1,
    },
    {
      name: 'rocket default',
      files: { 'Cargo.toml': '[package]\nname = "a"\n[dependencies]\nrocket = "0.5"\n' },
      port: 8000,
      confidence: 'low',
      file: 'Cargo.toml',
      line: 4,
    },
    {
      name: 'Dockerfile EXPOSE with ARG',
      files: { Dockerfile: 'FROM nginx\nARG P=8181\nEXPOSE ${P}\n' },
      port: 8181,
      confidence: 'high',
      file: 'Dockerfile',
      line: 3,
    },
    {
      name: 'Procfile port flag',
      files: { 'requirements.txt': 'flask\n', Procfile: 'web: gunicorn -b 0.0.0.0:6060 app:app\n' },
      port: 6060,
      confidence: 'high',
      file: 'Procfile',
      line: 1,
    },
    {
      name: 'Compose long port syntax',
      files: {
        'compose.yaml':
          'services:\n  a:\n    image: acme/a\n    ports:\n      - target: 9999\n        published: 80\n',
      },
      port: 9999,
      confidence: 'high',
      file: 'compose.yaml',
      line: 5,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = await only(c.files);
      expect(s.port?.value).to.equal(c.port);
      expect(s.port?.confidence).to.equal(c.confidence);
      expect(s.port?.evidence[0]).to.deep.include({ file: c.file, line: c.line });
    });
  }

  it('does not warn when only a default disagrees with a stated port', async () => {
    const r = await run({
      'package.json': pkg({ express: '4' }),
      Dockerfile: 'FROM node\nENV PORT=8080\nEXPOSE 8080\n',
      'a.js': 'app.listen(process.env.PORT || 3000)',
    });
    expect(r.services[0]!.port?.value).to.equal(8080);
    expect(r.problems).to.deep.equal([]);
  });

  it('warns when two stated ports disagree, naming both with their evidence', async () => {
    const r = await run({
      'requirements.txt': 'flask\n',
      'app.py': 'app = Flask(__name__)\napp.run(port=5001)\n',
      Procfile: 'web: flask run --port 5002\n',
    });
    expect(r.problems.map((p) => p.code)).to.deep.equal(['analyze.port.conflict']);
    expect(r.problems[0]!.message)
      .to.contain('5001')
      .and.contain('app.py:2')
      .and.contain('5002')
      .and.contain('Procfile:1');
  });
});
