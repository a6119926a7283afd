/**
 * One App claim spec per analysed service: image or build, port, probes, the data services wired into its
 * environment, and the security context its image needs. Every choice is recorded as a Decision.
 */
import { execForm } from '../dockerfiles/index.ts';
import type { Evidence, Fact, ServiceFacts } from '../types.ts';
import type { Wiring } from './data.ts';
import type { ClaimOptions, Decision } from './types.ts';

/** UIDs of the named users of well-known base images (runAsNonRoot needs a number). */
const KNOWN_UIDS: Readonly<Record<string, number>> = {
  node: 1000,
  nginx: 101,
  'www-data': 33,
  nobody: 65534,
};
/** The UID kubify assumes for an image that runs as root or as a name it does not know. */
export const FALLBACK_UID = 10001;

export interface AppSpecInput {
  service: ServiceFacts;
  wiring: readonly Wiring[];
  options: ClaimOptions;
  /** The image to run (from options or the Compose file); absent: the spec gets a build section later. */
  image?: string;
  /** The service is built from a Dockerfile kubify generated (numeric USER, start command inside). */
  generatedDockerfile: boolean;
}

const first = (f: Fact<unknown> | undefined): Evidence | undefined => f?.evidence[0];

export function appSpec(
  input: AppSpecInput,
  decide: (d: Omit<Decision, 'subject'>) => void,
): Record<string, unknown> {
  const { service: s } = input;
  const spec: Record<string, unknown> = {};
  if (input.image !== undefined) spec.image = input.image;

  const port = portOf(s, input.options, decide);
  if (port !== undefined) spec.port = port;

  if (
    s.startCommand !== undefined &&
    s.startCommand.reason === 'Compose command' &&
    input.image === undefined
  ) {
    spec.args = execForm(s.startCommand.value);
    decide({
      kind: 'evidence',
      message: `args ${JSON.stringify(spec.args)} (Compose command replaces CMD)`,
      evidence: first(s.startCommand),
      confidence: s.startCommand.confidence,
    });
  } else if (s.startCommand !== undefined && input.image !== undefined && s.image === undefined) {
    decide({
      kind: 'assumed',
      message: `image ${input.image} is trusted to start the app (analysis found "${s.startCommand.value}")`,
    });
  }

  const env: { name: string; value: string }[] = [];
  if (port !== undefined && s.env.some((e) => e.name === 'PORT')) {
    env.push({ name: 'PORT', value: String(port) });
    decide({
      kind: 'evidence',
      message: `env PORT=${port} (the package reads PORT)`,
      evidence: s.env.find((e) => e.name === 'PORT')?.evidence[0],
    });
  }
  if (env.length > 0) spec.env = env;

  const mine = input.wiring.filter((w) => w.service === s.name);
  const databases = mine.filter((w) => w.data.kind === 'postgresql');
  const caches = mine.filter((w) => w.data.kind === 'redis');
  if (databases.length > 0) spec.databases = databases.map((w) => ({ name: w.data.name, env: w.env }));
  if (caches.length > 0) {
    spec.caches = caches.map((w, i) => ({
      name: w.data.name,
      urlEnv: w.env,
      passwordEnv: i === 0 ? 'REDIS_PASSWORD' : `${w.env.replace(/_(URL|URI|DSN)$/, '')}_PASSWORD`,
    }));
  }
  for (const w of mine) {
    const lead = w.data.facts.find((f) => f.service === s.name)?.dep;
    decide({
      kind: 'evidence',
      message: `${w.data.kind === 'postgresql' ? 'database' : 'cache'} ${w.data.name} (${w.data.kind} via ${lead?.via.join(', ') ?? '?'}) -> ${w.env}, ${w.envReason}`,
      evidence: lead?.evidence[0],
      confidence: lead?.confidence,
    });
  }
  const wired = new Set(mine.map((w) => w.env));
  const unset = s.env
    .filter((e) => !wired.has(e.name) && e.name !== 'PORT')
    .map((e) => (e.secret ? `${e.name} (secret)` : e.name));
  if (unset.length > 0)
    decide({
      kind: 'skipped',
      message: `not set: ${unset.join(', ')}: put them in a Secret or ConfigMap and list it under envFrom`,
    });

  spec.probes = probesOf(s, port, decide);
  const runAsUser = runAsUserOf(s, input, decide);
  if (runAsUser !== undefined) spec.securityContext = { runAsUser };
  return spec;
}

function portOf(
  s: ServiceFacts,
  options: ClaimOptions,
  decide: (d: Omit<Decision, 'subject'>) => void,
): number | undefined {
  const override = options.ports?.[s.name];
  if (override !== undefined) {
    if (override === null) decide({ kind: 'assumed', message: 'not a web service (no port): no probes' });
    else decide({ kind: 'assumed', message: `port ${override} (given)` });
    return override ?? undefined;
  }
  if (s.port !== undefined) {
    const guess = s.port.confidence === 'low';
    decide({
      kind: guess ? 'assumed' : 'evidence',
      message: `port ${s.port.value}: ${s.port.reason}${guess ? ' (a guess: check it, or give --port)' : ''}`,
      evidence: first(s.port),
      confidence: s.port.confidence,
    });
    return s.port.value;
  }
  decide({
    kind: 'assumed',
    message: 'no listening port found: treated as a worker (no probes; the Service has no backend)',
  });
  return undefined;
}

function probesOf(
  s: ServiceFacts,
  port: number | undefined,
  decide: (d: Omit<Decision, 'subject'>) => void,
): Record<string, unknown> {
  if (port === undefined) return { type: 'none' };
  if (s.healthPath !== undefined) {
    decide({
      kind: 'evidence',
      message: `HTTP probes on ${s.healthPath.value}: ${s.healthPath.reason}`,
      evidence: first(s.healthPath),
      confidence: s.healthPath.confidence,
    });
    return { type: 'http', path: s.healthPath.value };
  }
  decide({ kind: 'assumed', message: 'no health endpoint found: TCP probes on the port' });
  return { type: 'tcp' };
}

/** The restricted security context needs a numeric non-root user; a Dockerfile USER that is a name or absent gets one. */
function runAsUserOf(
  s: ServiceFacts,
  input: AppSpecInput,
  decide: (d: Omit<Decision, 'subject'>) => void,
): number | undefined {
  if (input.generatedDockerfile || input.image !== undefined) return undefined;
  const df = s.dockerfile;
  if (!df) return undefined;
  const user = df.user?.value.split(':')[0]?.trim();
  if (user !== undefined && /^\d+$/.test(user)) return Number(user) === 0 ? root(df.path) : undefined;
  if (user !== undefined && user !== 'root') {
    const uid = KNOWN_UIDS[user];
    if (uid !== undefined) {
      decide({
        kind: 'evidence',
        message: `runAsUser ${uid}: ${df.path} runs as "${user}" (its UID in the base image)`,
        evidence: df.user?.evidence[0],
        confidence: 'medium',
      });
      return uid;
    }
    decide({
      kind: 'assumed',
      message: `runAsUser ${FALLBACK_UID}: ${df.path} runs as "${user}", whose UID kubify cannot tell`,
    });
    return FALLBACK_UID;
  }
  return root(df.path);

  function root(path: string): number {
    decide({
      kind: 'assumed',
      message: `runAsUser ${FALLBACK_UID}: ${path} runs as root, which the restricted security context forbids; add a numeric USER`,
    });
    return FALLBACK_UID;
  }
}
