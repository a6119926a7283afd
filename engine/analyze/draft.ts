/**
 * A service being analysed: detectors add candidate conclusions; `resolveDraft` picks one per fact,
 * merges the evidence of agreeing candidates and reports disagreements that matter (ports) as problems.
 */
import type { Problem } from '../api/problem.ts';
import { isSecretName, problem } from './evidence.ts';
import type {
  ComposeServiceFacts,
  Confidence,
  DataServiceKind,
  DependencyFact,
  DockerfileFacts,
  EnvVarFact,
  Evidence,
  Fact,
  Framework,
  HelmChartFacts,
  KustomizationFacts,
  Language,
  ProcessFact,
  ServiceFacts,
  WorkspaceFacts,
} from './types.ts';
import { CONFIDENCE_RANK } from './types.ts';

/** Source precedence when confidences tie: what runs the container beats what the code suggests. */
export const PRIORITY = {
  compose: 60,
  procfile: 50,
  dockerfile: 40,
  config: 30,
  code: 20,
  manifest: 20,
  convention: 0,
} as const;

export interface Candidate<T> {
  value: T;
  confidence: Confidence;
  reason: string;
  evidence: Evidence[];
  priority: number;
  /** The language this candidate only makes sense for; dropped when another language wins. */
  language?: Language;
}

export const FRAMEWORK_LANGUAGE: Readonly<Record<Framework, Language | undefined>> = {
  express: 'node',
  nextjs: 'node',
  nestjs: 'node',
  fastify: 'node',
  koa: 'node',
  django: 'python',
  flask: 'python',
  fastapi: 'python',
  'net-http': 'go',
  gin: 'go',
  echo: 'go',
  fiber: 'go',
  chi: 'go',
  'spring-boot': 'java',
  rails: 'ruby',
  sinatra: 'ruby',
  laravel: 'php',
  symfony: 'php',
  'aspnet-core': 'dotnet',
  axum: 'rust',
  'actix-web': 'rust',
  rocket: 'rust',
  static: undefined,
};

export class ServiceDraft {
  readonly language: Candidate<Language>[] = [];
  readonly framework: Candidate<Framework>[] = [];
  readonly port: Candidate<number>[] = [];
  readonly start: Candidate<string>[] = [];
  readonly build: Candidate<string>[] = [];
  readonly staticDir: Candidate<string>[] = [];
  readonly health: Candidate<string>[] = [];
  readonly names: Candidate<string>[] = [];
  readonly env = new Map<string, EnvVarFact>();
  readonly deps = new Map<DataServiceKind, DependencyFact>();
  processes: ProcessFact[] = [];
  dockerfile?: DockerfileFacts;
  image?: Fact<string>;
  buildContext?: Fact<string>;
  compose?: ComposeServiceFacts;
  helmChart?: HelmChartFacts;
  kustomization?: KustomizationFacts;
  /** Set when the directory declares a workspace of other packages. */
  workspace?: WorkspaceFacts;
  /** A language manifest (not only a Dockerfile or Procfile) made this directory a candidate. */
  strong = false;

  constructor(readonly dir: string) {}

  addEnv(name: string, source: string, confidence: Confidence, evidence: Evidence): void {
    const e = this.env.get(name);
    if (!e) {
      this.env.set(name, {
        name,
        secret: isSecretName(name),
        sources: [source],
        confidence,
        evidence: [evidence],
      });
      return;
    }
    if (!e.sources.includes(source)) e.sources.push(source);
    if (CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK[e.confidence]) e.confidence = confidence;
    e.evidence.push(evidence);
  }

  addDep(
    kind: DataServiceKind,
    via: string,
    confidence: Confidence,
    reason: string,
    evidence: Evidence[],
    image?: string,
  ): void {
    const d = this.deps.get(kind);
    if (!d) {
      const dep: DependencyFact = { kind, confidence, reason, via: [via], evidence: [...evidence] };
      if (image !== undefined) dep.image = image;
      this.deps.set(kind, dep);
      return;
    }
    if (!d.via.includes(via)) d.via.push(via);
    if (image !== undefined && d.image === undefined) d.image = image;
    if (CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK[d.confidence]) {
      d.confidence = confidence;
      d.reason = reason;
      d.evidence.unshift(...evidence); // the strongest evidence comes first
    } else d.evidence.push(...evidence);
  }

  /** Whether anything says this directory runs as a server or process (not a library). */
  get runnable(): boolean {
    const solid = (cs: readonly Candidate<unknown>[]): boolean => cs.some((c) => c.confidence !== 'low');
    return (
      this.framework.length > 0 ||
      solid(this.start) ||
      solid(this.port) ||
      this.dockerfile !== undefined ||
      this.processes.length > 0 ||
      this.compose !== undefined
    );
  }

  /** Take over what a Dockerfile or Procfile in a sub-directory (e.g. `deploy/Dockerfile`) says. */
  absorb(other: ServiceDraft): void {
    if (this.dockerfile === undefined && other.dockerfile !== undefined) this.dockerfile = other.dockerfile;
    else if (other.dockerfile !== undefined) return; // the service has its own Dockerfile: keep it alone
    if (this.processes.length === 0) this.processes = other.processes;
    this.language.push(...other.language);
    this.port.push(...other.port);
    this.start.push(...other.start);
    this.health.push(...other.health);
    for (const e of other.env.values())
      for (const ev of e.evidence) this.addEnv(e.name, e.sources[0]!, e.confidence, ev);
  }

  clone(dir = this.dir): ServiceDraft {
    const c = new ServiceDraft(dir);
    const copy = <T>(xs: readonly Candidate<T>[]): Candidate<T>[] => xs.map((x) => ({ ...x }));
    c.language.push(...copy(this.language));
    c.framework.push(...copy(this.framework));
    c.port.push(...copy(this.port));
    c.start.push(...copy(this.start));
    c.build.push(...copy(this.build));
    c.staticDir.push(...copy(this.staticDir));
    c.health.push(...copy(this.health));
    c.names.push(...copy(this.names));
    for (const [k, v] of this.env) c.env.set(k, { ...v, sources: [...v.sources], evidence: [...v.evidence] });
    for (const [k, v] of this.deps) c.deps.set(k, { ...v, via: [...v.via], evidence: [...v.evidence] });
    c.processes = [...this.processes];
    Object.assign(c, {
      dockerfile: this.dockerfile,
      helmChart: this.helmChart,
      kustomization: this.kustomization,
      strong: this.strong,
    });
    return c;
  }
}

function evidenceKey(e: Evidence): string {
  return `${e.file}\u0000${String(e.line).padStart(9, '0')}`;
}

/** Sorted by file then line, without duplicates. */
export function sortEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const e of evidence) if (!seen.has(evidenceKey(e))) seen.set(evidenceKey(e), e);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

/** The first `lead` items stay first (they are the strongest); the rest are sorted; no duplicates. */
export function leadEvidence(evidence: readonly Evidence[], lead: number): Evidence[] {
  const head = sortEvidence(evidence.slice(0, lead));
  const keys = new Set(head.map(evidenceKey));
  return [...head, ...sortEvidence(evidence.slice(lead)).filter((e) => !keys.has(evidenceKey(e)))];
}

function ranked<T>(cands: readonly Candidate<T>[]): Candidate<T>[] {
  return cands
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        CONFIDENCE_RANK[b.c.confidence] - CONFIDENCE_RANK[a.c.confidence] ||
        b.c.priority - a.c.priority ||
        a.i - b.i,
    )
    .map((x) => x.c);
}

/** The best candidate, with the evidence of every candidate that agrees on its value. */
export function best<T>(cands: readonly Candidate<T>[]): Fact<T> | undefined {
  const r = ranked(cands);
  const top = r[0];
  if (!top) return undefined;
  const same = r.filter((c) => JSON.stringify(c.value) === JSON.stringify(top.value));
  return {
    value: top.value,
    confidence: top.confidence,
    reason: top.reason,
    evidence: leadEvidence(
      same.flatMap((c) => c.evidence),
      top.evidence.length,
    ),
  };
}

function where(e: readonly Evidence[]): string {
  const first = e[0];
  return first ? `${first.file}:${first.line}` : 'unknown';
}

/** Distinct values among the candidates of the best confidence: more than one is a conflict. */
export function conflicts<T>(cands: readonly Candidate<T>[]): Candidate<T>[] {
  const r = ranked(cands);
  const top = r[0];
  if (!top) return [];
  const tier = r.filter((c) => c.confidence === top.confidence);
  const distinct = new Map<string, Candidate<T>>();
  for (const c of tier) if (!distinct.has(JSON.stringify(c.value))) distinct.set(JSON.stringify(c.value), c);
  return distinct.size > 1 ? [...distinct.values()] : [];
}

export function resolveDraft(d: ServiceDraft, name: string, problems: Problem[]): ServiceFacts {
  const framework = best(d.framework);
  const fwLanguage = framework ? FRAMEWORK_LANGUAGE[framework.value] : undefined;
  const language = fwLanguage
    ? (best(d.language.filter((c) => c.value === fwLanguage)) ?? {
        value: fwLanguage,
        confidence: framework!.confidence,
        reason: `implied by ${framework!.value}`,
        evidence: framework!.evidence,
      })
    : best(d.language);
  const fits = <T>(cs: readonly Candidate<T>[]): Candidate<T>[] =>
    cs.filter((c) => c.language === undefined || c.language === language?.value);

  const ports = fits(d.port);
  const clash = conflicts(ports);
  if (clash.length > 0) {
    const list = clash.map((c) => `${String(c.value)} (${c.reason}, ${where(c.evidence)})`).join(' vs ');
    const first = clash[0]!.evidence[0];
    problems.push(
      problem(
        'analyze.port.conflict',
        'Warning',
        `service "${name}" has conflicting ports: ${list}; using ${String(best(ports)!.value)}`,
        { file: first?.file, line: first?.line, path: `services.${name}.port` },
      ),
    );
  }

  const facts: ServiceFacts = {
    name,
    path: d.dir === '' ? '.' : d.dir,
    env: [...d.env.values()]
      .map((e) => ({ ...e, sources: [...e.sources].sort(), evidence: sortEvidence(e.evidence) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    dependencies: [...d.deps.values()]
      .map((x) => ({ ...x, via: [...x.via].sort(), evidence: leadEvidence(x.evidence, 1) }))
      .sort((a, b) => (a.kind < b.kind ? -1 : 1)),
    processes: [...d.processes].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
  const set = <K extends keyof ServiceFacts>(k: K, v: ServiceFacts[K] | undefined): void => {
    if (v !== undefined) facts[k] = v;
  };
  set('language', language);
  set('framework', framework);
  set('port', best(ports));
  set('startCommand', best(fits(d.start)));
  set('buildCommand', best(fits(d.build)));
  set('staticDir', best(fits(d.staticDir)));
  set('healthPath', best(fits(d.health)));
  set('dockerfile', d.dockerfile);
  set('image', d.image);
  set('buildContext', d.buildContext);
  set('compose', d.compose);
  set('helmChart', d.helmChart);
  set('kustomization', d.kustomization);
  return facts;
}
