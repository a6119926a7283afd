/**
 * Data services: which PostgreSQL and Redis claims a report needs, their names, and how each App is wired
 * to them (the environment variable the code reads). One claim per Compose service (shared by the apps that
 * depend on it, as in Compose); otherwise one per app and kind.
 */
import type { DependencyFact, ServiceFacts } from '../types.ts';
import { dnsName } from './names.ts';

export type PackedKind = 'postgresql' | 'redis';

export const PACKED_KINDS: readonly PackedKind[] = ['postgresql', 'redis'];

export interface DataService {
  kind: PackedKind;
  name: string;
  /** The Compose service it stands for, if any. */
  composeService?: string;
  /** The image the Compose file runs for it. */
  image?: string;
  /** Every dependency fact that led to it (first one is the lead). */
  facts: { service: string; dep: DependencyFact }[];
}

export interface Wiring {
  service: string;
  data: DataService;
  /** The variable that gets the connection URL. */
  env: string;
  /** Why that variable: `read by the code`, `named in .env.example`, `default`. */
  envReason: string;
}

const SUFFIX: Readonly<Record<PackedKind, string>> = { postgresql: 'db', redis: 'cache' };
const DEFAULT_ENV: Readonly<Record<PackedKind, string>> = { postgresql: 'DATABASE_URL', redis: 'REDIS_URL' };
const KNOWN_ENV: Readonly<Record<PackedKind, readonly string[]>> = {
  postgresql: ['DATABASE_URL', 'POSTGRES_URL', 'POSTGRESQL_URL', 'PG_URL', 'DB_URL', 'DATABASE_URI'],
  redis: ['REDIS_URL', 'REDIS_URI', 'CACHE_URL', 'QUEUE_URL', 'BROKER_URL'],
};

const isEnvName = (s: string): boolean => /^[A-Z_][A-Z0-9_]*$/.test(s);

function isPacked(kind: string): kind is PackedKind {
  return (PACKED_KINDS as readonly string[]).includes(kind);
}

/** The Compose service a dependency names, if it came from a Compose file. */
function composeServiceOf(service: ServiceFacts, dep: DependencyFact): string | undefined {
  const dependsOn = service.compose?.dependsOn ?? [];
  return dep.via.find((v) => dependsOn.includes(v));
}

/** Every packed data service of the report, sorted by kind then name, and the wiring of each app. */
export function collectDataServices(services: readonly ServiceFacts[]): {
  data: DataService[];
  wiring: Wiring[];
} {
  const byKey = new Map<string, DataService>();
  const wiring: Wiring[] = [];
  for (const service of services) {
    for (const dep of service.dependencies) {
      if (!isPacked(dep.kind)) continue;
      const compose = composeServiceOf(service, dep);
      const key = compose !== undefined ? `compose:${compose}` : `${service.name}:${dep.kind}`;
      let data = byKey.get(key);
      if (!data) {
        data = {
          kind: dep.kind,
          name:
            compose !== undefined ? dnsName(compose, 50) : dnsName(`${service.name}-${SUFFIX[dep.kind]}`, 50),
          ...(compose !== undefined ? { composeService: compose } : {}),
          ...(dep.image !== undefined ? { image: dep.image } : {}),
          facts: [],
        };
        byKey.set(key, data);
      }
      data.facts.push({ service: service.name, dep });
      wiring.push({ service: service.name, data, ...envFor(service, dep, dep.kind) });
    }
  }
  const data = [...byKey.values()].sort((a, b) =>
    a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return { data, wiring };
}

/** The variable the app reads the connection URL from. */
function envFor(
  service: ServiceFacts,
  dep: DependencyFact,
  kind: PackedKind,
): { env: string; envReason: string } {
  const named = dep.via.filter(isEnvName);
  const url = named.find((n) => /_(URL|URI|DSN)$/.test(n)) ?? named[0];
  if (url !== undefined) return { env: url, envReason: `the variable that carries its address` };
  const declared = new Set(service.env.map((e) => e.name));
  const known = KNOWN_ENV[kind].find((n) => declared.has(n));
  if (known !== undefined) return { env: known, envReason: 'a variable the package declares' };
  return { env: DEFAULT_ENV[kind], envReason: 'the default (no variable found)' };
}
