/**
 * The App's build section when a service has no image: Kaniko builds the package's own Dockerfile (or one
 * kubify generates) from a build context that `kubify deploy` ships as a ConfigMap holding `context.tar.gz`.
 *
 * The Build pack mounts a ConfigMap context at /workspace as flat files; a tarball keeps directories, so the
 * App's `spec.overrides.build` adds `spec.overrides.job` to the composed Build, which points Kaniko at the
 * tarball (`--context=tar://...`). A `test` operation guards the replaced argument: if the Build pack's Job
 * changes shape, rendering fails instead of building the wrong thing.
 */
import path from 'node:path';
import { generateDockerfile } from '../dockerfiles/index.ts';
import type { ServiceFacts } from '../types.ts';
import type { BuildPlan, ClaimOptions, Decision } from './types.ts';

/** Where built images go when no registry is given (the local-registry convention of kind, k3d and minikube). */
export const DEFAULT_REGISTRY_HOST = 'localhost:5000';

/** The registry (`host[:port]/repository`) of built images: the given one, else `localhost:5000/<source>`. */
export function registryOf(options: ClaimOptions): string {
  return (options.registry ?? `${DEFAULT_REGISTRY_HOST}/${options.source}`).replace(/\/+$/, '');
}
export const CONTEXT_KEY = 'context.tar.gz';
export const DIR_CONTEXT_ARG = '--context=dir:///workspace';
export const TAR_CONTEXT_ARG = `--context=tar:///workspace/${CONTEXT_KEY}`;

export interface BuildSection {
  build: Record<string, unknown>;
  overrides: Record<string, unknown>;
  plan: BuildPlan;
}

/** `undefined` (with a decision saying why) when the service cannot be built: no Dockerfile and no recipe. */
export function buildSection(
  s: ServiceFacts,
  app: string,
  options: ClaimOptions,
  decide: (d: Omit<Decision, 'subject'>) => void,
): BuildSection | undefined {
  const contextDir = s.buildContext?.value ?? s.path;
  const configMap = `${app}-context`;
  let dockerfile: string;
  let generated: BuildPlan['generated'];
  if (s.dockerfile) {
    dockerfile = path.posix.relative(contextDir === '.' ? '' : contextDir, s.dockerfile.path);
    decide({
      kind: 'evidence',
      message: `built from its own ${s.dockerfile.path} (context ${contextDir})`,
      evidence: s.dockerfile.baseImage?.evidence[0] ?? { file: s.dockerfile.path, line: 1 },
      confidence: 'high',
    });
  } else {
    const made = generateDockerfile(s);
    if (made === undefined) return undefined;
    dockerfile = made.path;
    const file = contextDir === '.' ? made.path : `${contextDir}/${made.path}`;
    generated = { service: s.name, path: file, content: made.content };
    decide({
      kind: 'assumed',
      message: `no Dockerfile: kubify generates ${file} (${s.language?.value ?? '?'}${s.framework ? `, ${s.framework.value}` : ''})`,
    });
  }
  const registry = registryOf(options);
  const digest = options.contexts?.[s.name]?.digest;
  const tag = digest !== undefined ? `src-${digest.slice(0, 12)}` : 'latest';
  const build: Record<string, unknown> = {
    source: { configMap: { name: configMap } },
    dockerfile,
    destination: `${registry}/${app}:${tag}`,
  };
  const overrides = {
    build: [
      {
        op: 'add',
        path: '/spec/overrides',
        value: {
          job: [
            { op: 'test', path: '/spec/template/spec/containers/0/args/0', value: DIR_CONTEXT_ARG },
            { op: 'replace', path: '/spec/template/spec/containers/0/args/0', value: TAR_CONTEXT_ARG },
          ],
        },
      },
    ],
  };
  return {
    build,
    overrides,
    plan: { service: s.name, app, contextDir, dockerfile, configMap, ...(generated ? { generated } : {}) },
  };
}
