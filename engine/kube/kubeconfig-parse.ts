/**
 * Kubeconfig text -> `KubeConfigContent`, and kubectl's merge of several files. Relative file paths
 * (and an exec command with a path separator) resolve against the directory of the file naming them.
 */
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import type {
  AuthProviderConfig,
  ExecConfig,
  KubeCluster,
  KubeConfigContent,
  KubeContext,
  KubeUser,
} from './kubeconfig-types.ts';

export interface ParseKubeConfigOptions {
  /** Directory relative paths resolve against; none: left as written. */
  baseDir?: string;
  /** Named in errors (a file path). */
  source?: string;
}

type Obj = Record<string, unknown>;

const EXEC_EXTENSION = 'client.authentication.k8s.io/exec';

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  constructor(
    private readonly source: string,
    private readonly baseDir: string | undefined,
  ) {}

  fail(path: string, message: string): never {
    throw new Error(`${this.source}: ${path} ${message}`);
  }

  obj(v: unknown, path: string): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) this.fail(path, 'must be a mapping');
    return v;
  }

  list(v: unknown, path: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(path, 'must be a list');
    return v;
  }

  str(o: Obj, key: string, path: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string') this.fail(`${path}.${key}`, 'must be a string');
    return v;
  }

  strings(o: Obj, key: string, path: string): string[] | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    const items = this.list(v, `${path}.${key}`);
    return items.map((s, i) => {
      if (typeof s !== 'string') this.fail(`${path}.${key}[${i}]`, 'must be a string');
      return s;
    });
  }

  bool(o: Obj, key: string): boolean {
    const v = o[key];
    return v === true || v === 'true';
  }

  file(o: Obj, key: string, path: string): string | undefined {
    const p = this.str(o, key, path);
    return p && this.baseDir && !isAbsolute(p) ? resolve(this.baseDir, p) : p;
  }

  /** Named entries (`clusters`, `users`, `contexts`): `{name, <field>: {...}}`. */
  named<T>(root: Obj, key: string, field: string, build: (body: Obj, name: string, path: string) => T): T[] {
    return this.list(root[key], key).map((entry, i) => {
      const path = `${key}[${i}]`;
      const e = this.obj(entry, path) ?? this.fail(path, 'must be a mapping');
      const name = this.str(e, 'name', path) ?? this.fail(path, 'has no name');
      return build(this.obj(e[field], `${path}.${field}`) ?? {}, name, `${path}.${field}`);
    });
  }
}

function cluster(r: Reader, c: Obj, name: string, path: string): KubeCluster {
  const server = r.str(c, 'server', path) ?? '';
  const out: KubeCluster = { name, server, skipTLSVerify: r.bool(c, 'insecure-skip-tls-verify') };
  const caData = r.str(c, 'certificate-authority-data', path);
  const caFile = r.file(c, 'certificate-authority', path);
  const tlsServerName = r.str(c, 'tls-server-name', path);
  const proxyUrl = r.str(c, 'proxy-url', path);
  if (caData) out.caData = caData;
  if (caFile) out.caFile = caFile;
  if (tlsServerName) out.tlsServerName = tlsServerName;
  if (proxyUrl) out.proxyUrl = proxyUrl;
  for (const [i, ext] of r.list(c.extensions, `${path}.extensions`).entries()) {
    const e = r.obj(ext, `${path}.extensions[${i}]`);
    if (e?.name === EXEC_EXTENSION) out.execExtension = e.extension;
  }
  return out;
}

function exec(r: Reader, e: Obj, path: string): ExecConfig {
  let command = r.str(e, 'command', path) ?? r.fail(path, 'has no command');
  // like kubectl: a command with a path separator is a file relative to the kubeconfig; else $PATH
  if (command.includes('/') && !isAbsolute(command)) command = r.file(e, 'command', path) ?? command;
  const env = r.list(e.env, `${path}.env`).map((v, i) => {
    const item = r.obj(v, `${path}.env[${i}]`) ?? r.fail(`${path}.env[${i}]`, 'must be a mapping');
    return {
      name: r.str(item, 'name', `${path}.env[${i}]`) ?? r.fail(`${path}.env[${i}]`, 'has no name'),
      value: r.str(item, 'value', `${path}.env[${i}]`) ?? '',
    };
  });
  const out: ExecConfig = {
    command,
    args: r.strings(e, 'args', path) ?? [],
    env,
    apiVersion: r.str(e, 'apiVersion', path) ?? r.fail(path, 'has no apiVersion'),
    provideClusterInfo: r.bool(e, 'provideClusterInfo'),
  };
  const installHint = r.str(e, 'installHint', path);
  const interactiveMode = r.str(e, 'interactiveMode', path);
  if (installHint) out.installHint = installHint;
  if (interactiveMode) out.interactiveMode = interactiveMode;
  return out;
}

function user(r: Reader, u: Obj, name: string, path: string): KubeUser {
  const out: KubeUser = { name };
  const set = <K extends keyof KubeUser>(key: K, value: KubeUser[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('certData', r.str(u, 'client-certificate-data', path));
  set('certFile', r.file(u, 'client-certificate', path));
  set('keyData', r.str(u, 'client-key-data', path));
  set('keyFile', r.file(u, 'client-key', path));
  set('token', r.str(u, 'token', path));
  set('tokenFile', r.file(u, 'tokenFile', path) ?? r.file(u, 'token-file', path));
  set('username', r.str(u, 'username', path));
  set('password', r.str(u, 'password', path));
  set('impersonateUser', r.str(u, 'as', path));
  set('impersonateUid', r.str(u, 'as-uid', path));
  const groups = r.strings(u, 'as-groups', path);
  if (groups?.length) out.impersonateGroups = groups;
  const extra = r.obj(u['as-user-extra'], `${path}.as-user-extra`);
  if (extra) {
    out.impersonateExtra = {};
    for (const key of Object.keys(extra).sort())
      out.impersonateExtra[key] = r.strings(extra, key, `${path}.as-user-extra`) ?? [];
  }
  const execConfig = r.obj(u.exec, `${path}.exec`);
  if (execConfig) out.exec = exec(r, execConfig, `${path}.exec`);
  const provider = r.obj(u['auth-provider'], `${path}.auth-provider`);
  if (provider) {
    const ap: AuthProviderConfig = {
      name:
        r.str(provider, 'name', `${path}.auth-provider`) ?? r.fail(`${path}.auth-provider`, 'has no name'),
      config: r.obj(provider.config, `${path}.auth-provider.config`) ?? {},
    };
    // client-node's in-cluster user is an auth-provider "tokenFile": it is just a token file
    if (ap.name === 'tokenFile' && typeof ap.config.tokenFile === 'string' && !out.tokenFile)
      out.tokenFile = ap.config.tokenFile;
    else out.authProvider = ap;
  }
  return out;
}

function context(r: Reader, c: Obj, name: string, path: string): KubeContext {
  const out: KubeContext = {
    name,
    cluster: r.str(c, 'cluster', path) ?? '',
    user: r.str(c, 'user', path) ?? '',
  };
  const namespace = r.str(c, 'namespace', path);
  if (namespace) out.namespace = namespace;
  return out;
}

/** Parses kubeconfig YAML (or JSON). An empty document is an empty config, as for kubectl. */
export function parseKubeConfig(text: string, options: ParseKubeConfigOptions = {}): KubeConfigContent {
  const source = options.source ?? 'kubeconfig';
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (doc === null || doc === undefined) return { clusters: [], users: [], contexts: [], currentContext: '' };
  if (!isObj(doc)) throw new Error(`${source}: not a kubeconfig (expected a mapping)`);
  const r = new Reader(source, options.baseDir);
  return {
    clusters: r.named(doc, 'clusters', 'cluster', (b, n, p) => cluster(r, b, n, p)),
    users: r.named(doc, 'users', 'user', (b, n, p) => user(r, b, n, p)),
    contexts: r.named(doc, 'contexts', 'context', (b, n, p) => context(r, b, n, p)),
    currentContext: r.str(doc, 'current-context', '') ?? '',
  };
}

function mergeNamed<T extends { name: string }>(lists: T[][]): T[] {
  const seen = new Map<string, T>();
  for (const list of lists) for (const item of list) if (!seen.has(item.name)) seen.set(item.name, item);
  return [...seen.values()];
}

/** kubectl's rule for `$KUBECONFIG`: the first file to define a name wins; the first current-context wins. */
export function mergeKubeConfigs(configs: KubeConfigContent[]): KubeConfigContent {
  return {
    clusters: mergeNamed(configs.map((c) => c.clusters)),
    users: mergeNamed(configs.map((c) => c.users)),
    contexts: mergeNamed(configs.map((c) => c.contexts)),
    currentContext: configs.find((c) => c.currentContext)?.currentContext ?? '',
  };
}
