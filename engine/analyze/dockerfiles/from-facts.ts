/**
 * What the analyser found about a service -> the input of a Dockerfile recipe.
 */
import type { ServiceFacts } from '../types.ts';
import type { DockerfileInput, DockerfileLanguage } from './types.ts';

function javaFlavour(facts: ServiceFacts): DockerfileLanguage {
  return /gradle/i.test(facts.buildCommand?.value ?? '') ? 'java-gradle' : 'java-maven';
}

function packageManager(facts: ServiceFacts): DockerfileInput['packageManager'] {
  const command = `${facts.startCommand?.value ?? ''} ${facts.buildCommand?.value ?? ''}`.trim();
  if (/^pnpm\b/.test(command)) return 'pnpm';
  if (/^yarn\b/.test(command)) return 'yarn';
  return 'npm';
}

/** `undefined` when the language is unknown: there is no recipe to pick. */
export function dockerfileInput(facts: ServiceFacts): DockerfileInput | undefined {
  const language = facts.language?.value;
  if (language === undefined) return undefined;
  const framework = facts.framework?.value;
  const base = {
    ...(framework !== undefined && framework !== 'static' ? { framework } : {}),
    ...(facts.port !== undefined ? { port: facts.port.value } : {}),
  };
  const start = facts.startCommand !== undefined ? { startCommand: facts.startCommand.value } : {};
  if (language === 'html' || framework === 'static') {
    return {
      language: 'static',
      ...(facts.staticDir !== undefined ? { staticDir: facts.staticDir.value } : {}),
      ...(facts.buildCommand !== undefined && language === 'node'
        ? { buildCommand: facts.buildCommand.value }
        : {}),
    };
  }
  switch (language) {
    case 'java':
      return { language: javaFlavour(facts), ...base, ...start };
    case 'node':
      return { language: 'node', ...base, ...start, packageManager: packageManager(facts) };
    default:
      return { language, ...base, ...start };
  }
}
