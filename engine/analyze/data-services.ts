/**
 * Which client libraries and images mean "this package needs a data service". One table per ecosystem,
 * keyed by the package name as its manifest spells it (compared case-insensitively).
 */
import type { DataServiceKind } from './types.ts';

export type Ecosystem = 'npm' | 'pypi' | 'go' | 'maven' | 'rubygems' | 'composer' | 'nuget' | 'cargo';

type Table = Readonly<Record<string, DataServiceKind>>;

const NPM: Table = {
  pg: 'postgresql',
  postgres: 'postgresql',
  'pg-promise': 'postgresql',
  '@neondatabase/serverless': 'postgresql',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  redis: 'redis',
  ioredis: 'redis',
  '@redis/client': 'redis',
  bullmq: 'redis',
  bull: 'redis',
  mongodb: 'mongodb',
  mongoose: 'mongodb',
  kafkajs: 'kafka',
  'node-rdkafka': 'kafka',
  '@confluentinc/kafka-javascript': 'kafka',
  amqplib: 'rabbitmq',
  'amqp-connection-manager': 'rabbitmq',
  '@elastic/elasticsearch': 'elasticsearch',
  memjs: 'memcached',
  memcached: 'memcached',
  nats: 'nats',
  'cassandra-driver': 'cassandra',
};

const PYPI: Table = {
  psycopg2: 'postgresql',
  'psycopg2-binary': 'postgresql',
  psycopg: 'postgresql',
  'psycopg-binary': 'postgresql',
  asyncpg: 'postgresql',
  pg8000: 'postgresql',
  pymysql: 'mysql',
  mysqlclient: 'mysql',
  'mysql-connector-python': 'mysql',
  aiomysql: 'mysql',
  redis: 'redis',
  aioredis: 'redis',
  'django-redis': 'redis',
  rq: 'redis',
  pymongo: 'mongodb',
  motor: 'mongodb',
  mongoengine: 'mongodb',
  beanie: 'mongodb',
  'kafka-python': 'kafka',
  'confluent-kafka': 'kafka',
  aiokafka: 'kafka',
  pika: 'rabbitmq',
  'aio-pika': 'rabbitmq',
  elasticsearch: 'elasticsearch',
  'elasticsearch-dsl': 'elasticsearch',
  pymemcache: 'memcached',
  'python-memcached': 'memcached',
  'nats-py': 'nats',
  'cassandra-driver': 'cassandra',
};

const GO: Table = {
  'github.com/jackc/pgx': 'postgresql',
  'github.com/jackc/pgx/v4': 'postgresql',
  'github.com/jackc/pgx/v5': 'postgresql',
  'github.com/lib/pq': 'postgresql',
  'gorm.io/driver/postgres': 'postgresql',
  'github.com/go-sql-driver/mysql': 'mysql',
  'gorm.io/driver/mysql': 'mysql',
  'github.com/redis/go-redis/v9': 'redis',
  'github.com/go-redis/redis/v8': 'redis',
  'github.com/go-redis/redis': 'redis',
  'github.com/gomodule/redigo': 'redis',
  'go.mongodb.org/mongo-driver': 'mongodb',
  'go.mongodb.org/mongo-driver/v2': 'mongodb',
  'github.com/segmentio/kafka-go': 'kafka',
  'github.com/IBM/sarama': 'kafka',
  'github.com/Shopify/sarama': 'kafka',
  'github.com/confluentinc/confluent-kafka-go/v2': 'kafka',
  'github.com/twmb/franz-go': 'kafka',
  'github.com/rabbitmq/amqp091-go': 'rabbitmq',
  'github.com/streadway/amqp': 'rabbitmq',
  'github.com/elastic/go-elasticsearch/v8': 'elasticsearch',
  'github.com/olivere/elastic/v7': 'elasticsearch',
  'github.com/bradfitz/gomemcache': 'memcached',
  'github.com/nats-io/nats.go': 'nats',
  'github.com/gocql/gocql': 'cassandra',
};

/** Maven/Gradle: `groupId:artifactId`. */
const MAVEN: Table = {
  'org.postgresql:postgresql': 'postgresql',
  'org.postgresql:r2dbc-postgresql': 'postgresql',
  'com.mysql:mysql-connector-j': 'mysql',
  'mysql:mysql-connector-java': 'mysql',
  'org.mariadb.jdbc:mariadb-java-client': 'mysql',
  'org.springframework.boot:spring-boot-starter-data-redis': 'redis',
  'org.springframework.boot:spring-boot-starter-data-redis-reactive': 'redis',
  'redis.clients:jedis': 'redis',
  'io.lettuce:lettuce-core': 'redis',
  'org.springframework.boot:spring-boot-starter-data-mongodb': 'mongodb',
  'org.springframework.boot:spring-boot-starter-data-mongodb-reactive': 'mongodb',
  'org.mongodb:mongodb-driver-sync': 'mongodb',
  'org.springframework.kafka:spring-kafka': 'kafka',
  'org.apache.kafka:kafka-clients': 'kafka',
  'org.springframework.boot:spring-boot-starter-amqp': 'rabbitmq',
  'com.rabbitmq:amqp-client': 'rabbitmq',
  'org.springframework.boot:spring-boot-starter-data-elasticsearch': 'elasticsearch',
  'co.elastic.clients:elasticsearch-java': 'elasticsearch',
  'org.springframework.boot:spring-boot-starter-data-cassandra': 'cassandra',
  'com.datastax.oss:java-driver-core': 'cassandra',
  'io.nats:jnats': 'nats',
};

const RUBYGEMS: Table = {
  pg: 'postgresql',
  mysql2: 'mysql',
  trilogy: 'mysql',
  redis: 'redis',
  sidekiq: 'redis',
  'redis-rails': 'redis',
  mongoid: 'mongodb',
  mongo: 'mongodb',
  'ruby-kafka': 'kafka',
  rdkafka: 'kafka',
  karafka: 'kafka',
  bunny: 'rabbitmq',
  sneakers: 'rabbitmq',
  elasticsearch: 'elasticsearch',
  searchkick: 'elasticsearch',
  dalli: 'memcached',
  'nats-pure': 'nats',
};

const COMPOSER: Table = {
  'predis/predis': 'redis',
  'ext-redis': 'redis',
  'mongodb/mongodb': 'mongodb',
  'mongodb/laravel-mongodb': 'mongodb',
  'php-amqplib/php-amqplib': 'rabbitmq',
  'elasticsearch/elasticsearch': 'elasticsearch',
  'ext-pgsql': 'postgresql',
  'ext-pdo_pgsql': 'postgresql',
  'ext-pdo_mysql': 'mysql',
  'ext-mysqli': 'mysql',
};

const NUGET: Table = {
  npgsql: 'postgresql',
  'npgsql.entityframeworkcore.postgresql': 'postgresql',
  mysqlconnector: 'mysql',
  'mysql.data': 'mysql',
  'pomelo.entityframeworkcore.mysql': 'mysql',
  'stackexchange.redis': 'redis',
  'microsoft.extensions.caching.stackexchangeredis': 'redis',
  'mongodb.driver': 'mongodb',
  'confluent.kafka': 'kafka',
  'rabbitmq.client': 'rabbitmq',
  'masstransit.rabbitmq': 'rabbitmq',
  'elastic.clients.elasticsearch': 'elasticsearch',
  nest: 'elasticsearch',
  'nats.client': 'nats',
  cassandracsharpdriver: 'cassandra',
};

const CARGO: Table = {
  'tokio-postgres': 'postgresql',
  postgres: 'postgresql',
  'deadpool-postgres': 'postgresql',
  mysql: 'mysql',
  mysql_async: 'mysql',
  redis: 'redis',
  'deadpool-redis': 'redis',
  fred: 'redis',
  mongodb: 'mongodb',
  rdkafka: 'kafka',
  lapin: 'rabbitmq',
  elasticsearch: 'elasticsearch',
  'async-nats': 'nats',
  scylla: 'cassandra',
};

const TABLES: Readonly<Record<Ecosystem, Table>> = {
  npm: NPM,
  pypi: PYPI,
  go: GO,
  maven: MAVEN,
  rubygems: RUBYGEMS,
  composer: COMPOSER,
  nuget: NUGET,
  cargo: CARGO,
};

const LOWER = new Map<Ecosystem, ReadonlyMap<string, DataServiceKind>>(
  (Object.keys(TABLES) as Ecosystem[]).map((eco) => [
    eco,
    new Map(Object.entries(TABLES[eco]).map(([k, v]) => [k.toLowerCase(), v])),
  ]),
);

export function dataServiceForPackage(ecosystem: Ecosystem, name: string): DataServiceKind | undefined {
  const lower = name.toLowerCase();
  const map = LOWER.get(ecosystem) ?? new Map<string, DataServiceKind>();
  const hit = map.get(lower);
  if (hit || ecosystem !== 'pypi') return hit;
  return map.get(lower.replace(/_/g, '-'));
}

/** Features of multi-backend crates (`sqlx`, `diesel`, `sea-orm`) that name a database. */
export function dataServiceForFeature(feature: string): DataServiceKind | undefined {
  if (/postgres/.test(feature)) return 'postgresql';
  if (/mysql|mariadb/.test(feature)) return 'mysql';
  return undefined;
}

/** Images (repository path, last component matched) that run a data service. */
const IMAGE_KINDS: readonly [RegExp, DataServiceKind][] = [
  [/(^|\/)(postgres|postgresql|postgis|timescaledb|pgvector)$/, 'postgresql'],
  [/(^|\/)(mysql|mariadb|mysql-server|percona)$/, 'mysql'],
  [/(^|\/)(redis|redis-stack|redis-stack-server|valkey|keydb)$/, 'redis'],
  [/(^|\/)(mongo|mongodb|mongodb-community-server)$/, 'mongodb'],
  [/(^|\/)(kafka|cp-kafka|cp-server|redpanda)$/, 'kafka'],
  [/(^|\/)(rabbitmq)$/, 'rabbitmq'],
  [/(^|\/)(elasticsearch|opensearch)$/, 'elasticsearch'],
  [/(^|\/)(memcached)$/, 'memcached'],
  [/(^|\/)(nats)$/, 'nats'],
  [/(^|\/)(cassandra|scylla)$/, 'cassandra'],
];

export function dataServiceForImage(image: string): DataServiceKind | undefined {
  const repo = image
    .replace(/@.*$/, '')
    .replace(/:[^/]*$/, '')
    .toLowerCase();
  for (const [re, kind] of IMAGE_KINDS) if (re.test(repo)) return kind;
  return undefined;
}

/** URL schemes in connection strings (`postgres://`, `redis://`, `jdbc:mysql:`). */
export function dataServiceForUrl(text: string): DataServiceKind | undefined {
  const m = /\b(?:jdbc:)?(postgres(?:ql)?|mysql|mariadb|rediss?|mongodb(?:\+srv)?|amqps?|nats|kafka):/i.exec(
    text,
  );
  if (!m) return undefined;
  const s = m[1]!.toLowerCase();
  if (s.startsWith('postgres')) return 'postgresql';
  if (s === 'mysql' || s === 'mariadb') return 'mysql';
  if (s.startsWith('redis')) return 'redis';
  if (s.startsWith('mongodb')) return 'mongodb';
  if (s.startsWith('amqp')) return 'rabbitmq';
  if (s === 'nats') return 'nats';
  return 'kafka';
}
