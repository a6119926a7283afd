import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseKubeConfig } from './kubeconfig-parse.ts';
import type { KubeCluster, KubeConfigContent, KubeContext, KubeUser } from './kubeconfig-types.ts';

/** `(available: a, b)`, for errors naming a missing context. */
export function availableContexts(contexts: readonly KubeContext[]): string {
  return contexts.length
    ? `available: ${contexts.map((c) => c.name).join(', ')}`
    : 'the kubeconfig defines no contexts';
}

/** Reads and parses one kubeconfig file; relative paths in it resolve against its directory. */
export function readKubeConfigFile(file: string): KubeConfigContent {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `kubeconfig file ${path} does not exist`
        : `cannot read kubeconfig ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return parseKubeConfig(text, { baseDir: dirname(path), source: path });
}

/**
 * A loaded kubeconfig: what `loadKubeConfig` returns and `createKubeClient` / `HttpsTransport` take.
 * Plain data plus the getters kubify's callers use (the same names as client-node's `KubeConfig`).
 */
export class KubeConfigData implements KubeConfigContent {
  clusters: KubeCluster[] = [];
  users: KubeUser[] = [];
  contexts: KubeContext[] = [];
  currentContext = '';

  constructor(content?: KubeConfigContent) {
    if (content) this.replace(content);
  }

  private replace(content: KubeConfigContent): void {
    this.clusters = content.clusters;
    this.users = content.users;
    this.contexts = content.contexts;
    this.currentContext = content.currentContext;
  }

  /** Replaces everything with this kubeconfig text (like client-node's `loadFromString`). */
  loadFromString(text: string, options: { baseDir?: string; source?: string } = {}): void {
    this.replace(parseKubeConfig(text, options));
  }

  /** Replaces everything with this file; its relative paths resolve against its directory. */
  loadFromFile(file: string): void {
    this.replace(readKubeConfigFile(file));
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  getContexts(): KubeContext[] {
    return this.contexts;
  }

  getClusters(): KubeCluster[] {
    return this.clusters;
  }

  getUsers(): KubeUser[] {
    return this.users;
  }

  getContextObject(name: string): KubeContext | undefined {
    return this.contexts.find((c) => c.name === name);
  }

  getCluster(name: string): KubeCluster | undefined {
    return this.clusters.find((c) => c.name === name);
  }

  getUser(name: string): KubeUser | undefined {
    return this.users.find((u) => u.name === name);
  }

  getCurrentCluster(): KubeCluster | undefined {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? this.getCluster(ctx.cluster) : undefined;
  }

  getCurrentUser(): KubeUser | undefined {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? this.getUser(ctx.user) : undefined;
  }

  /** Switches context; an unknown name is an error that lists the known ones. */
  setCurrentContext(name: string): void {
    if (!this.getContextObject(name))
      throw new Error(`context "${name}" not found in kubeconfig (${availableContexts(this.contexts)})`);
    this.currentContext = name;
  }
}
