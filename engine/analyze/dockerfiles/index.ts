/**
 * Dockerfile generation for packages that have none: `generateDockerfile(facts) -> {path, content}`. Pure
 * functions, no I/O. One recipe per language: multi-stage, base images pinned by major version, a numeric
 * non-root USER (so Kubernetes' runAsNonRoot can verify it), EXPOSE of the port and an exec-form start command.
 */
import type { ServiceFacts } from '../types.ts';
import {
  dotnetDockerfile,
  goDockerfile,
  gradleDockerfile,
  mavenDockerfile,
  rustDockerfile,
  staticDockerfile,
} from './compiled.ts';
import { dockerfileInput } from './from-facts.ts';
import { nodeDockerfile, phpDockerfile, pythonDockerfile, rubyDockerfile } from './interpreted.ts';
import type { DockerfileInput, DockerfileLanguage, GeneratedDockerfile } from './types.ts';

export { dockerfileInput } from './from-facts.ts';
export { execForm } from './command.ts';
export { APP_UID, DOCKERFILE_LANGUAGES } from './types.ts';
export type { DockerfileInput, DockerfileLanguage, GeneratedDockerfile } from './types.ts';

const RECIPES: Readonly<Record<DockerfileLanguage, (input: DockerfileInput) => string>> = {
  node: nodeDockerfile,
  python: pythonDockerfile,
  go: goDockerfile,
  'java-maven': mavenDockerfile,
  'java-gradle': gradleDockerfile,
  ruby: rubyDockerfile,
  php: phpDockerfile,
  dotnet: dotnetDockerfile,
  rust: rustDockerfile,
  static: staticDockerfile,
};

/** The Dockerfile for an explicit recipe input. */
export function renderDockerfile(input: DockerfileInput): GeneratedDockerfile {
  return { path: 'Dockerfile', content: RECIPES[input.language](input) };
}

/** The Dockerfile for an analysed service, or `undefined` when its language is unknown. */
export function generateDockerfile(facts: ServiceFacts): GeneratedDockerfile | undefined {
  const input = dockerfileInput(facts);
  return input === undefined ? undefined : renderDockerfile(input);
}
