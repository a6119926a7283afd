/** Data services from each ecosystem's manifests and configuration. */
import { expect } from 'chai';
import type { MemoryEntry } from '../../../engine/analyze/index.ts';
import { only, pkg } from './helpers.ts';

describe('analyze: data services', () => {
  const cases: { name: string; files: Record<string, MemoryEntry>; kinds: string[] }[] = [
    {
      name: 'npm clients',
      files: {
        'package.json': pkg({
          express: '4',
          mysql2: '3',
          mongoose: '8',
          amqplib: '0',
          '@elastic/elasticsearch': '8',
        }),
      },
      kinds: ['elasticsearch', 'mongodb', 'mysql', 'rabbitmq'],
    },
    {
      name: 'requirements with extras and markers',
      files: {
        'requirements.txt':
          '-r base.txt\npsycopg[binary]>=3 ; python_version>"3.8"\nconfluent_kafka\n# redis\n',
      },
      kinds: ['kafka', 'postgresql'],
    },
    {
      name: 'poetry dependencies',
      files: {
        'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.12"\nredis = "^5"\nmotor = "*"\n',
      },
      kinds: ['mongodb', 'redis'],
    },
    {
      name: 'Pipfile packages',
      files: { Pipfile: '[packages]\npymysql = "*"\n[dev-packages]\npika = "*"\n' },
      kinds: ['mysql'],
    },
    {
      name: 'go.mod single-line require',
      files: {
        'go.mod': 'module a\nrequire github.com/lib/pq v1.10.9\nrequire github.com/nats-io/nats.go v1.36.0\n',
      },
      kinds: ['nats', 'postgresql'],
    },
    {
      name: 'gradle groovy dependencies',
      files: {
        'build.gradle':
          "dependencies {\n  implementation 'org.springframework.boot:spring-boot-starter-amqp'\n  runtimeOnly 'com.mysql:mysql-connector-j:8.4.0'\n}\n",
      },
      kinds: ['mysql', 'rabbitmq'],
    },
    {
      name: 'Gemfile and database.yml',
      files: {
        Gemfile: 'gem "sinatra"\ngem "dalli"\n',
        'config/database.yml': 'production:\n  adapter: mysql2\n',
      },
      kinds: ['memcached', 'mysql'],
    },
    {
      name: 'composer requirements',
      files: {
        'composer.json': '{"require": {"mongodb/mongodb": "^1.19", "php-amqplib/php-amqplib": "^3"}}',
      },
      kinds: ['mongodb', 'rabbitmq'],
    },
    {
      name: 'NuGet references',
      files: {
        'A.csproj':
          '<Project Sdk="Microsoft.NET.Sdk.Web">\n<PackageReference Include="MongoDB.Driver" Version="2" />\n<PackageReference Include="Confluent.Kafka" Version="2" />\n</Project>',
      },
      kinds: ['kafka', 'mongodb'],
    },
    {
      name: 'cargo features in a table',
      files: {
        'Cargo.toml':
          '[package]\nname = "a"\n[dependencies.sqlx]\nversion = "0.7"\nfeatures = [\n  "mysql",\n]\n[dependencies]\nlapin = "2"\n',
      },
      kinds: ['mysql', 'rabbitmq'],
    },
    {
      name: 'prisma datasource',
      files: {
        'package.json': pkg({ '@prisma/client': '5' }),
        'prisma/schema.prisma':
          'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
      },
      kinds: ['postgresql'],
    },
    {
      name: 'connection URL in .env.example',
      files: {
        'package.json': pkg({}),
        '.env.example': 'MONGO=mongodb+srv://u:p@h/db\nBROKER=amqp://guest:guest@mq:5672\n',
      },
      kinds: ['mongodb', 'rabbitmq'],
    },
    {
      name: 'Spring configuration properties',
      files: {
        'pom.xml': '<project/>',
        'src/main/resources/application.yml':
          'spring:\n  kafka:\n    bootstrap-servers: k:9092\n  datasource:\n    url: jdbc:mysql://db/app\n',
      },
      kinds: ['kafka', 'mysql'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = await only(c.files);
      expect(s.dependencies.map((d) => d.kind)).to.deep.equal(c.kinds);
      for (const d of s.dependencies) expect(d.evidence).to.not.be.empty;
    });
  }
});
