/**
 * Input and output of Dockerfile generation. Pure data: the generators read nothing from disk.
 */

/** The build recipes kubify knows. Java is split by build tool; `static` serves files with nginx. */
export type DockerfileLanguage =
  'node' | 'python' | 'go' | 'java-maven' | 'java-gradle' | 'ruby' | 'php' | 'dotnet' | 'rust' | 'static';

export const DOCKERFILE_LANGUAGES: readonly DockerfileLanguage[] = [
  'node',
  'python',
  'go',
  'java-maven',
  'java-gradle',
  'ruby',
  'php',
  'dotnet',
  'rust',
  'static',
];

export interface DockerfileInput {
  language: DockerfileLanguage;
  /** e.g. `nextjs`, `django`, `fastapi`, `rails`, `laravel` (the analyser's Framework values). */
  framework?: string;
  /** Port the app listens on. Default 8080 (static: always 8080, nginx-unprivileged's). */
  port?: number;
  /** The command that starts the app, as the analyser found it, e.g. `npm start`, `gunicorn app:app`. */
  startCommand?: string;
  /** Node only: `npm` (default), `pnpm` or `yarn`. */
  packageManager?: 'npm' | 'pnpm' | 'yarn';
  /** Static sites: the directory to serve, relative to the context (default: `dist` after a build, else `.`). */
  staticDir?: string;
  /** Static sites built with Node: the build command, e.g. `npm run build`. */
  buildCommand?: string;
}

export interface GeneratedDockerfile {
  /** Where to write it, relative to the service directory. */
  path: string;
  content: string;
}

/** The non-root user of images that do not bring one: a high, fixed UID (Kubernetes runAsNonRoot needs a number). */
export const APP_UID = 10001;
export const DEFAULT_PORT = 8080;
