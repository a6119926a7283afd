/**
 * Dockerfile generation (engine/analyze/dockerfiles): one table row per recipe, built from analyser facts.
 * Every Dockerfile is multi-stage where there is something to build, pins base images by major version,
 * ends as a numeric non-root USER, EXPOSEs the port and starts with an exec-form command.
 */
import { expect } from 'chai';
import {
  DOCKERFILE_LANGUAGES,
  dockerfileInput,
  execForm,
  generateDockerfile,
  renderDockerfile,
} from '../../../engine/analyze/dockerfiles/index.ts';
import type { Fact, Framework, Language, ServiceFacts } from '../../../engine/analyze/types.ts';

function fact<T>(value: T): Fact<T> {
  return { value, confidence: 'high', reason: 'test', evidence: [] };
}

interface Facts {
  language: Language;
  framework?: Framework;
  port?: number;
  startCommand?: string;
  buildCommand?: string;
  staticDir?: string;
}

function service(f: Facts): ServiceFacts {
  return {
    name: 'svc',
    path: '.',
    language: fact(f.language),
    ...(f.framework ? { framework: fact(f.framework) } : {}),
    ...(f.port ? { port: fact(f.port) } : {}),
    ...(f.startCommand ? { startCommand: fact(f.startCommand) } : {}),
    ...(f.buildCommand ? { buildCommand: fact(f.buildCommand) } : {}),
    ...(f.staticDir ? { staticDir: fact(f.staticDir) } : {}),
    env: [],
    dependencies: [],
    processes: [],
  };
}

interface Row {
  name: string;
  facts: Facts;
  /** Base images, in order. */
  from: string[];
  user: string;
  expose: number;
  /** The last line (CMD or ENTRYPOINT). */
  start: string;
  /** Other lines that must be there. */
  has?: string[];
}

const ROWS: Row[] = [
  {
    name: 'node express with npm',
    facts: { language: 'node', framework: 'express', port: 3000, startCommand: 'node server.js' },
    from: ['node:22-bookworm-slim AS build', 'node:22-bookworm-slim'],
    user: '1000:1000',
    expose: 3000,
    start: 'CMD ["node","server.js"]',
    has: ['RUN npm ci', 'RUN npm prune --omit=dev', 'COPY --from=build --chown=1000:1000 /app /app'],
  },
  {
    name: 'next.js with pnpm',
    facts: { language: 'node', framework: 'nextjs', port: 3000, startCommand: 'pnpm start' },
    from: ['node:22-bookworm-slim AS build', 'node:22-bookworm-slim'],
    user: '1000:1000',
    expose: 3000,
    start: 'CMD ["pnpm","start"]',
    has: ['RUN corepack enable && pnpm install --frozen-lockfile', 'COPY package.json pnpm-lock.yaml ./'],
  },
  {
    name: 'python fastapi without a start command',
    facts: { language: 'python', framework: 'fastapi', port: 8000 },
    from: ['python:3.12-slim AS build', 'python:3.12-slim'],
    user: '10001:10001',
    expose: 8000,
    start: 'CMD ["uvicorn","main:app","--host","0.0.0.0","--port","8000"]',
    has: ['RUN python -m venv /opt/venv', 'COPY --from=build /opt/venv /opt/venv'],
  },
  {
    name: 'python django with gunicorn',
    facts: { language: 'python', framework: 'django', port: 8000, startCommand: 'gunicorn mysite.wsgi' },
    from: ['python:3.12-slim AS build', 'python:3.12-slim'],
    user: '10001:10001',
    expose: 8000,
    start: 'CMD ["gunicorn","mysite.wsgi"]',
    has: ['RUN python manage.py collectstatic --noinput || true'],
  },
  {
    name: 'go',
    facts: { language: 'go', framework: 'gin', port: 8080 },
    from: ['golang:1.24-bookworm AS build', 'gcr.io/distroless/static-debian12:nonroot'],
    user: '65532:65532',
    expose: 8080,
    start: 'ENTRYPOINT ["/app"]',
    has: ['RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .'],
  },
  {
    name: 'java spring boot with maven',
    facts: {
      language: 'java',
      framework: 'spring-boot',
      port: 8080,
      buildCommand: './mvnw -B package -DskipTests',
    },
    from: ['maven:3-eclipse-temurin-21 AS build', 'eclipse-temurin:21-jre'],
    user: '10001:10001',
    expose: 8080,
    start: 'CMD ["java","-jar","/app/app.jar"]',
    has: ['RUN mvn -B -q dependency:go-offline'],
  },
  {
    name: 'java spring boot with gradle',
    facts: { language: 'java', framework: 'spring-boot', port: 8081, buildCommand: './gradlew bootJar' },
    from: ['gradle:8-jdk21 AS build', 'eclipse-temurin:21-jre'],
    user: '10001:10001',
    expose: 8081,
    start: 'CMD ["java","-jar","/app/app.jar"]',
    has: ['RUN gradle --no-daemon bootJar && mkdir -p /out && \\'],
  },
  {
    name: 'ruby on rails',
    facts: { language: 'ruby', framework: 'rails', port: 3000 },
    from: ['ruby:3.3-slim AS build', 'ruby:3.3-slim'],
    user: '10001:10001',
    expose: 3000,
    start: 'CMD ["bundle","exec","rails","server","-b","0.0.0.0","-p","3000"]',
    has: ['RUN SECRET_KEY_BASE_DUMMY=1 bundle exec rails assets:precompile'],
  },
  {
    name: 'php laravel',
    facts: { language: 'php', framework: 'laravel', port: 8000 },
    from: ['composer:2 AS vendor', 'php:8.3-cli'],
    user: '10001:10001',
    expose: 8000,
    start: 'CMD ["php","-S","0.0.0.0:8000","-t","public"]',
    has: ['RUN composer dump-autoload --optimize --no-dev'],
  },
  {
    name: '.NET',
    facts: { language: 'dotnet', framework: 'aspnet-core', port: 5000 },
    from: ['mcr.microsoft.com/dotnet/sdk:8.0 AS build', 'mcr.microsoft.com/dotnet/aspnet:8.0'],
    user: '1654:1654',
    expose: 5000,
    start: 'ENTRYPOINT ["dotnet","/app/app.dll"]',
    has: ['ENV ASPNETCORE_HTTP_PORTS=5000 PORT=5000'],
  },
  {
    name: 'rust',
    facts: { language: 'rust', framework: 'axum', port: 3000 },
    from: ['rust:1-bookworm AS build', 'gcr.io/distroless/cc-debian12:nonroot'],
    user: '65532:65532',
    expose: 3000,
    start: 'ENTRYPOINT ["/app"]',
    has: ['RUN cargo install --locked --path . --root /out && \\'],
  },
  {
    name: 'static html',
    facts: { language: 'html', framework: 'static', port: 80, staticDir: 'public' },
    from: ['nginxinc/nginx-unprivileged:1-alpine'],
    user: '101:101',
    expose: 8080,
    start: 'CMD ["nginx","-g","daemon off;"]',
    has: ['COPY --chown=101:101 public/ /usr/share/nginx/html/'],
  },
  {
    name: 'static site built with node',
    facts: { language: 'node', framework: 'static', buildCommand: 'npm run build', staticDir: 'build' },
    from: ['node:22-bookworm-slim AS build', 'nginxinc/nginx-unprivileged:1-alpine'],
    user: '101:101',
    expose: 8080,
    start: 'CMD ["nginx","-g","daemon off;"]',
    has: [
      'RUN npm ci && npm run build',
      'COPY --from=build --chown=101:101 /app/build/ /usr/share/nginx/html/',
    ],
  },
];

function instructions(content: string, keyword: string): string[] {
  return content
    .split('\n')
    .filter((l) => l.startsWith(`${keyword} `))
    .map((l) => l.slice(keyword.length + 1));
}

describe('analyze: Dockerfile generation', () => {
  for (const row of ROWS) {
    describe(row.name, () => {
      const generated = generateDockerfile(service(row.facts));
      const content = generated?.content ?? '';
      const lines = content.split('\n');

      it('writes ./Dockerfile', () => {
        expect(generated?.path).to.equal('Dockerfile');
      });

      it(`builds from ${row.from.join(' then ')}`, () => {
        expect(instructions(content, 'FROM')).to.deep.equal(row.from);
      });

      it('pins every base image by version (no latest, no untagged image)', () => {
        for (const from of instructions(content, 'FROM')) {
          const image = from.split(' ')[0]!;
          expect(image, from).to.match(/:[^:/]+$/);
          expect(image, from).to.not.match(/:latest$/);
        }
      });

      it(`runs as the numeric non-root user ${row.user}`, () => {
        const users = instructions(content, 'USER');
        expect(users.at(-1)).to.equal(row.user);
        expect(users.at(-1)).to.match(/^[1-9][0-9]*:[1-9][0-9]*$/);
        const lastFrom = lines.findLastIndex((l) => l.startsWith('FROM '));
        expect(lines.findLastIndex((l) => l.startsWith('USER '))).to.be.greaterThan(lastFrom);
      });

      it(`exposes ${row.expose} and starts in exec form`, () => {
        expect(instructions(content, 'EXPOSE')).to.deep.equal([String(row.expose)]);
        expect(lines.filter((l) => l !== '').at(-1)).to.equal(row.start);
      });

      for (const line of row.has ?? []) {
        it(`has ${line}`, () => {
          expect(lines).to.include(line);
        });
      }
    });
  }

  it('has a recipe for every language it declares, each multi-stage or a plain copy', () => {
    for (const language of DOCKERFILE_LANGUAGES) {
      const { content } = renderDockerfile({ language, port: 9000 });
      expect(content, language).to.match(/^USER [1-9][0-9]*:[1-9][0-9]*$/m);
      expect(content, language).to.match(/^EXPOSE (9000|8080)$/m);
      expect(instructions(content, 'FROM').length, language).to.be.at.least(language === 'static' ? 1 : 2);
    }
  });

  it('maps analyser facts to a recipe: Gradle vs Maven, the Node package manager, unknown languages', () => {
    expect(dockerfileInput(service({ language: 'java', buildCommand: 'gradle build' }))?.language).to.equal(
      'java-gradle',
    );
    expect(dockerfileInput(service({ language: 'java' }))?.language).to.equal('java-maven');
    expect(
      dockerfileInput(service({ language: 'node', startCommand: 'yarn start' }))?.packageManager,
    ).to.equal('yarn');
    expect(dockerfileInput(service({ language: 'node' }))?.packageManager).to.equal('npm');
    const unknown: ServiceFacts = { name: 'x', path: '.', env: [], dependencies: [], processes: [] };
    expect(generateDockerfile(unknown)).to.equal(undefined);
  });

  it('runs shell syntax through sh -c with exec, plain commands directly', () => {
    expect(execForm('npm start')).to.deep.equal(['npm', 'start']);
    expect(execForm('node dist/main.js && echo done')).to.deep.equal([
      'sh',
      '-c',
      'exec node dist/main.js && echo done',
    ]);
    expect(execForm('FOO=1 node app.js')).to.deep.equal(['sh', '-c', 'exec FOO=1 node app.js']);
  });

  it('defaults the port to 8080 and is deterministic', () => {
    const a = renderDockerfile({ language: 'python' });
    expect(a.content).to.match(/^EXPOSE 8080$/m);
    expect(renderDockerfile({ language: 'python' })).to.deep.equal(a);
  });
});
