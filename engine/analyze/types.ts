/**
 * The public shape of an analysis: what kubify concluded about a source folder, and why.
 *
 * Every conclusion is a `Fact`: a value, a confidence and the evidence (file and 1-based line, relative to the
 * analysed root) that led to it. Facts are plain data so `kubify analyze --json`, `kubify init` and tests
 * read the same thing.
 */
import type { Problem } from '../api/problem.ts';

/**
 * How sure the analyser is.
 * - `high`: an explicit declaration (a dependency in a manifest, a literal `listen(3000)`, `EXPOSE 8080`).
 * - `medium`: a strong convention or an overridable default (`process.env.PORT || 3000`, `npm start`).
 * - `low`: a framework or ecosystem default that nothing in the package states.
 */
export type Confidence = 'high' | 'medium' | 'low';

export const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { high: 3, medium: 2, low: 1 };

/** Where a conclusion comes from. `file` is relative to the analysed root, `/`-separated; `line` is 1-based. */
export interface Evidence {
  file: string;
  line: number;
  /** The (trimmed, secret-redacted, capped) text of that line. */
  excerpt?: string;
}

export interface Fact<T> {
  value: T;
  confidence: Confidence;
  /** A short human reason, e.g. `package.json dependency "express"`. */
  reason: string;
  evidence: Evidence[];
}

export type Language = 'node' | 'python' | 'go' | 'java' | 'ruby' | 'php' | 'dotnet' | 'rust' | 'html';

export type Framework =
  | 'express'
  | 'nextjs'
  | 'nestjs'
  | 'fastify'
  | 'koa'
  | 'django'
  | 'flask'
  | 'fastapi'
  | 'net-http'
  | 'gin'
  | 'echo'
  | 'fiber'
  | 'chi'
  | 'spring-boot'
  | 'rails'
  | 'sinatra'
  | 'laravel'
  | 'symfony'
  | 'aspnet-core'
  | 'axum'
  | 'actix-web'
  | 'rocket'
  | 'static';

export type DataServiceKind =
  | 'postgresql'
  | 'mysql'
  | 'redis'
  | 'mongodb'
  | 'kafka'
  | 'rabbitmq'
  | 'elasticsearch'
  | 'memcached'
  | 'nats'
  | 'cassandra';

export interface DependencyFact {
  kind: DataServiceKind;
  confidence: Confidence;
  reason: string;
  /** The package (`pg`, `psycopg2`) or Compose service (`db`) that revealed it. */
  via: string[];
  /** The image a Compose file runs for it, e.g. `postgres:16`. */
  image?: string;
  evidence: Evidence[];
}

export interface EnvVarFact {
  name: string;
  /** The name looks like a credential (PASSWORD, SECRET, TOKEN, KEY, ...): keep it in a Secret. */
  secret: boolean;
  /** Where it was seen: `env-example`, `compose`, `dockerfile`, `code`, `config`. Sorted, unique. */
  sources: string[];
  confidence: Confidence;
  evidence: Evidence[];
}

export interface DockerfileFacts {
  /** Path relative to the analysed root. */
  path: string;
  /** Base image of the final stage. */
  baseImage?: Fact<string>;
  /** Every `FROM` image, in order (multi-stage builds have several). */
  stages: string[];
  exposes: number[];
  cmd?: Fact<string>;
  entrypoint?: Fact<string>;
  user?: Fact<string>;
  healthcheck?: Fact<string>;
}

export interface ComposeVolume {
  /** Named volume or host path; absent for anonymous volumes. */
  source?: string;
  target: string;
  type: 'volume' | 'bind' | 'anonymous';
  evidence: Evidence[];
}

export interface ComposeServiceFacts {
  /** The Compose file, relative to the analysed root. */
  file: string;
  service: string;
  /** `published:target` strings as written, normalised. */
  ports: string[];
  dependsOn: string[];
  volumes: ComposeVolume[];
  envFiles: string[];
  evidence: Evidence[];
}

export interface ProcessFact {
  /** Procfile process type, e.g. `web`, `worker`. */
  name: string;
  command: string;
  evidence: Evidence[];
}

export interface HelmChartFacts {
  path: string;
  name: string;
  version?: string;
  appVersion?: string;
  evidence: Evidence[];
}

export interface KustomizationFacts {
  path: string;
  resources: string[];
  evidence: Evidence[];
}

export interface ServiceFacts {
  /** DNS-1123 label, unique in the report. */
  name: string;
  /** Directory of the service relative to the root (`.` for the root itself). */
  path: string;
  language?: Fact<Language>;
  framework?: Fact<Framework>;
  port?: Fact<number>;
  startCommand?: Fact<string>;
  buildCommand?: Fact<string>;
  /** For static sites: the directory a web server serves, relative to the service. */
  staticDir?: Fact<string>;
  healthPath?: Fact<string>;
  env: EnvVarFact[];
  dependencies: DependencyFact[];
  processes: ProcessFact[];
  dockerfile?: DockerfileFacts;
  /** The image a Compose file names for it. */
  image?: Fact<string>;
  /** Build context from a Compose file, relative to the root. */
  buildContext?: Fact<string>;
  compose?: ComposeServiceFacts;
  helmChart?: HelmChartFacts;
  kustomization?: KustomizationFacts;
}

export interface WorkspaceFacts {
  /** Directory holding the workspace declaration, relative to the root. */
  path: string;
  tool: 'npm' | 'pnpm' | 'go' | 'maven' | 'gradle' | 'cargo';
  /** Member directories found, relative to the root, sorted. */
  members: string[];
  evidence: Evidence[];
}

export interface AnalysisReport {
  root: string;
  services: ServiceFacts[];
  workspaces: WorkspaceFacts[];
  problems: Problem[];
}
