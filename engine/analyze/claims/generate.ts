/**
 * `generateClaims(report, options)`: an analysis -> the claims that launch it. Pure: no I/O, no clock, the
 * same report and options always give the same, sorted claims.
 */
import { formatProblem } from '../../api/problem.ts';
import { hasFatal } from '../format.ts';
import type { AnalysisReport, ServiceFacts } from '../types.ts';
import { appSpec } from './app.ts';
import { buildSection, registryOf } from './build.ts';
import { PACKED_KINDS, collectDataServices } from './data.ts';
import type { DataService } from './data.ts';
import { APP_NAME_MAX, dnsName } from './names.ts';
import type {
  BuildPlan,
  ClaimOptions,
  ClaimSet,
  Decision,
  GeneratedClaim,
  GeneratedSecret,
} from './types.ts';
import { SOURCE_LABEL } from './types.ts';

export const APP_API = 'apps.kubify.io/v1alpha1';
export const DATA_API = 'data.kubify.io/v1alpha1';

const KIND_ORDER: Readonly<Record<string, number>> = { PostgreSQL: 0, Redis: 1, App: 2 };

export function generateClaims(report: AnalysisReport, options: ClaimOptions): ClaimSet {
  const set: ClaimSet = {
    source: options.source,
    claims: [],
    builds: [],
    secrets: [],
    decisions: [],
    errors: [],
  };
  if (hasFatal(report)) {
    for (const p of report.problems.filter((x) => x.severity === 'Fatal'))
      set.errors.push(`cannot generate claims: ${formatProblem(p)}`);
    return set;
  }
  const decider =
    (subject: string) =>
    (d: Omit<Decision, 'subject'>): void => {
      set.decisions.push({ subject, ...d });
    };
  const { data, wiring } = collectDataServices(report.services);
  for (const d of data) set.claims.push(dataClaim(d, options, decider(d.name), set.secrets));

  for (const s of report.services) {
    const app = dnsName(s.name, APP_NAME_MAX);
    const decide = decider(app);
    for (const dep of s.dependencies) {
      if ((PACKED_KINDS as readonly string[]).includes(dep.kind)) continue;
      decide({
        kind: 'skipped',
        message: `${dep.kind} (${dep.via.join(', ')}) has no kubify pack: run it yourself and give the app its address`,
        evidence: dep.evidence[0],
        confidence: dep.confidence,
      });
    }
    const image = imageOf(s, options, decide);
    const built = image === undefined ? buildSection(s, app, options, decide) : undefined;
    if (image === undefined && built === undefined) {
      set.errors.push(
        `${app}: no image, no Dockerfile and no known language to generate one from: give --image ${s.name}=<image>`,
      );
      continue;
    }
    const spec = appSpec(
      {
        service: s,
        wiring,
        options,
        ...(image !== undefined ? { image } : {}),
        generatedDockerfile: built?.plan.generated !== undefined,
      },
      decide,
    );
    if (built) {
      spec.build = built.build;
      spec.overrides = built.overrides;
      set.builds.push(built.plan);
    }
    set.claims.push(claim(APP_API, 'App', app, options, orderSpec(spec)));
  }
  if (set.builds.length > 0) {
    const registry = registryOf(options);
    set.decisions.push({
      subject: 'builds',
      kind: options.registry === undefined ? 'assumed' : 'evidence',
      message:
        options.registry === undefined
          ? `images are pushed to ${registry} (no registry given: use --registry <host/repository>)`
          : `images are pushed to ${registry} (given)`,
    });
  }
  set.claims.sort(
    (a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || cmp(a.metadata.name, b.metadata.name),
  );
  set.builds.sort((a: BuildPlan, b: BuildPlan) => cmp(a.app, b.app));
  set.secrets.sort((a, b) => cmp(a.name, b.name));
  return set;
}

function imageOf(
  s: ServiceFacts,
  options: ClaimOptions,
  decide: (d: Omit<Decision, 'subject'>) => void,
): string | undefined {
  const given = options.images?.[s.name];
  if (given !== undefined) {
    decide({ kind: 'assumed', message: `image ${given} (given)` });
    return given;
  }
  // A Compose image with a build context is the tag Compose builds, not an image to pull.
  if (s.image !== undefined && s.buildContext === undefined) {
    decide({
      kind: 'evidence',
      message: `image ${s.image.value}: ${s.image.reason}`,
      evidence: s.image.evidence[0],
      confidence: s.image.confidence,
    });
    return s.image.value;
  }
  return undefined;
}

function dataClaim(
  d: DataService,
  options: ClaimOptions,
  decide: (x: Omit<Decision, 'subject'>) => void,
  secrets: GeneratedSecret[],
): GeneratedClaim {
  const lead = d.facts[0]!.dep;
  const users = [...new Set(d.facts.map((f) => f.service))].sort();
  decide({
    kind: 'evidence',
    message: `${d.kind}${d.composeService !== undefined ? ` (Compose service ${d.composeService})` : ''} for ${users.join(', ')}: ${lead.reason}`,
    evidence: lead.evidence[0],
    confidence: lead.confidence,
  });
  const spec: Record<string, unknown> = {};
  if (d.kind === 'postgresql') {
    const major = /^(?:[^/]+\/)*postgres(?:ql)?:(\d+)/.exec(d.image ?? '')?.[1];
    if (major !== undefined && ['14', '15', '16', '17'].includes(major)) {
      spec.version = major;
      decide({ kind: 'evidence', message: `PostgreSQL ${major} (image ${d.image})`, confidence: 'high' });
    }
    return claim(DATA_API, 'PostgreSQL', d.name, options, spec);
  }
  if (d.image !== undefined && /^(?:[^/]+\/)*(redis|valkey)(:|$)/.test(d.image)) {
    spec.image = d.image;
    decide({
      kind: 'evidence',
      message: `server image ${d.image} (from the Compose file)`,
      confidence: 'high',
    });
  }
  secrets.push({ name: `${d.name}-redis-auth`, key: 'password', for: `Redis/${d.name}` });
  return claim(DATA_API, 'Redis', d.name, options, spec);
}

function claim(
  apiVersion: string,
  kind: string,
  name: string,
  options: ClaimOptions,
  spec: Record<string, unknown>,
): GeneratedClaim {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      labels: { [SOURCE_LABEL]: options.source, 'app.kubernetes.io/part-of': options.source },
    },
    spec,
  };
}

/** Spec keys in the order a reader expects (what runs, then how it is reached and wired, then the rest). */
const SPEC_ORDER = [
  'image',
  'build',
  'port',
  'args',
  'env',
  'databases',
  'caches',
  'probes',
  'securityContext',
  'overrides',
];

function orderSpec(spec: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(spec).sort((a, b) => rank(a) - rank(b) || cmp(a, b));
  return Object.fromEntries(keys.map((k) => [k, spec[k]]));
  function rank(k: string): number {
    const i = SPEC_ORDER.indexOf(k);
    return i < 0 ? SPEC_ORDER.length : i;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
