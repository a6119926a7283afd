/** Environment variable reads and health routes per language. */
import { expect } from 'chai';
import type { MemoryEntry } from '../../../engine/analyze/index.ts';
import { only, pkg } from './helpers.ts';

describe('analyze: environment variables and health', () => {
  const cases: { name: string; files: Record<string, MemoryEntry>; env: string[]; health?: string }[] = [
    {
      name: 'node',
      files: {
        'package.json': pkg({ express: '4' }),
        'a.js': 'process.env.A_B; process.env["C"]; app.get("/healthz", h)',
      },
      env: ['A_B', 'C'],
      health: '/healthz',
    },
    {
      name: 'python',
      files: {
        'requirements.txt': 'flask\n',
        'a.py': 'os.environ["A"]\nos.environ.get("B")\nos.getenv("C", "x")\n@app.get("/readyz")\n',
      },
      env: ['A', 'B', 'C'],
      health: '/readyz',
    },
    {
      name: 'go',
      files: {
        'go.mod': 'module a\n',
        'a.go': 'os.Getenv("A")\nv, ok := os.LookupEnv("B")\nmux.HandleFunc("/livez", h)\n',
      },
      env: ['A', 'B'],
      health: '/livez',
    },
    {
      name: 'java',
      files: { 'pom.xml': '<project/>', 'src/A.java': 'System.getenv("JAVA_OPT")' },
      env: ['JAVA_OPT'],
    },
    {
      name: 'ruby',
      files: { Gemfile: 'gem "rails"\n', 'a.rb': 'ENV["A"]\nENV.fetch("B") { 1 }\n' },
      env: ['A', 'B'],
    },
    {
      name: 'php',
      files: { 'composer.json': '{}', 'a.php': "env('A'); getenv('B'); $_ENV['C'];" },
      env: ['A', 'B', 'C'],
    },
    {
      name: 'rust',
      files: {
        'Cargo.toml': '[package]\nname = "a"\n',
        'src/main.rs': 'std::env::var("A"); env::var_os("B");',
      },
      env: ['A', 'B'],
    },
    {
      name: 'dotnet',
      files: {
        'A.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>',
        'P.cs': 'Environment.GetEnvironmentVariable("A");\napp.MapGet("/health", h);',
      },
      env: ['A'],
      health: '/health',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = await only(c.files);
      expect(s.env.map((e) => e.name)).to.deep.equal(c.env);
      expect(s.healthPath?.value).to.equal(c.health);
    });
  }

  it('prefers /healthz over /ping and marks secret-looking names', async () => {
    const s = await only({
      'package.json': pkg({ express: '4' }),
      'a.js': 'app.get("/ping", h)\napp.get("/healthz", h)\nprocess.env.DB_PASSWORD',
    });
    expect(s.healthPath?.value).to.equal('/healthz');
    expect(s.env).to.have.length(1);
    expect(s.env[0]).to.deep.include({ name: 'DB_PASSWORD', secret: true, sources: ['code'] });
  });

  it('merges the sources of one variable', async () => {
    const s = await only({
      'package.json': pkg({ express: '4' }),
      '.env.example': 'API_URL=http://localhost\n',
      Dockerfile: 'FROM node\nENV API_URL=http://api\n',
      'a.js': 'fetch(process.env.API_URL)',
    });
    expect(s.env.map((e) => [e.name, e.sources, e.evidence.length])).to.deep.equal([
      ['API_URL', ['code', 'dockerfile', 'env-example'], 3],
    ]);
  });
});
