import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { contextNamespace, loadKubeConfig } from '../../../engine/kube/kubeconfig.ts';
import { KubeConfigData } from '../../../engine/kube/kubeconfig-data.ts';
import { inClusterConfig } from '../../../engine/kube/kubeconfig-load.ts';

/** A kubeconfig with one cluster, user and context per name; `current` is its current-context. */
function kubeconfig(
  names: string[],
  current: string | undefined,
  server = (n: string) => `https://${n}.example:6443`,
): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const n of names) lines.push(`- name: ${n}`, '  cluster:', `    server: ${server(n)}`);
  lines.push('users:');
  for (const n of names) lines.push(`- name: ${n}`, '  user:', `    token: token-${n}`);
  lines.push('contexts:');
  for (const n of names)
    lines.push(`- name: ${n}`, '  context:', `    cluster: ${n}`, `    user: ${n}`, `    namespace: ns-${n}`);
  if (current) lines.push(`current-context: ${current}`);
  return `${lines.join('\n')}\n`;
}

function catching(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('kubeconfig loader', () => {
  let dir: string;
  const noEnv = {};
  const nowhere = (): string => join(dir, 'no-home');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubify-kubeconfig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  it('reads clusters, users and contexts with every supported field', () => {
    const file = write(
      'config',
      `
clusters:
- name: c
  cluster:
    server: https://api.example:6443/prefix
    certificate-authority-data: Q0EK
    insecure-skip-tls-verify: true
    tls-server-name: kubernetes.internal
users:
- name: u
  user:
    token: abc
    username: alice
    password: secret
    as: bob
    as-uid: "1234"
    as-groups: [devs, ops]
    as-user-extra: {scopes: [view, edit]}
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: aws
      args: [eks, get-token]
      env: [{name: AWS_PROFILE, value: prod}]
      interactiveMode: Never
      provideClusterInfo: true
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: team-a}
current-context: ctx
`,
    );
    const kc = loadKubeConfig({ kubeconfig: file });
    expect(kc.getCurrentContext()).to.equal('ctx');
    expect(kc.getCurrentCluster()).to.deep.equal({
      name: 'c',
      server: 'https://api.example:6443/prefix',
      caData: 'Q0EK',
      skipTLSVerify: true,
      tlsServerName: 'kubernetes.internal',
    });
    expect(kc.getCurrentUser()).to.deep.equal({
      name: 'u',
      token: 'abc',
      username: 'alice',
      password: 'secret',
      impersonateUser: 'bob',
      impersonateUid: '1234',
      impersonateGroups: ['devs', 'ops'],
      impersonateExtra: { scopes: ['view', 'edit'] },
      exec: {
        command: 'aws',
        args: ['eks', 'get-token'],
        env: [{ name: 'AWS_PROFILE', value: 'prod' }],
        apiVersion: 'client.authentication.k8s.io/v1',
        provideClusterInfo: true,
        interactiveMode: 'Never',
      },
    });
    expect(contextNamespace(kc)).to.equal('team-a');
  });

  it('resolves relative file paths against the kubeconfig file, not the working directory', () => {
    const file = write(
      'sub/dir/config',
      `
clusters: [{name: c, cluster: {server: "https://x", certificate-authority: ca.pem}}]
users:
- name: u
  user:
    client-certificate: certs/client.pem
    client-key: /abs/client.key
    tokenFile: ../token
    exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin}
- name: path-plugin
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: gke-gcloud-auth-plugin}
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const kc = loadKubeConfig({ kubeconfig: file });
    const base = join(dir, 'sub', 'dir');
    expect(kc.getCurrentCluster()?.caFile).to.equal(join(base, 'ca.pem'));
    const u = kc.getCurrentUser();
    expect(u?.certFile).to.equal(join(base, 'certs', 'client.pem'));
    expect(u?.keyFile).to.equal('/abs/client.key');
    expect(u?.tokenFile).to.equal(join(dir, 'sub', 'token'));
    expect(u?.exec?.command).to.equal(join(base, 'bin', 'plugin'));
    expect(kc.getUser('path-plugin')?.exec?.command).to.equal('gke-gcloud-auth-plugin');
  });

  it('merges $KUBECONFIG like kubectl: the first file to define a name wins, and the first current-context', () => {
    const a = write(
      'a',
      kubeconfig(['shared', 'only-a'], 'only-a', (n) => `https://a-${n}`),
    );
    const b = write(
      'b',
      kubeconfig(['shared', 'only-b'], 'only-b', (n) => `https://b-${n}`),
    );
    const ab = loadKubeConfig({
      env: { KUBECONFIG: [a, join(dir, 'missing'), '', b].join(delimiter) },
      homeDir: nowhere(),
    });
    expect(ab.getCurrentContext()).to.equal('only-a');
    expect(ab.contexts.map((c) => c.name)).to.deep.equal(['shared', 'only-a', 'only-b']);
    expect(ab.getCluster('shared')?.server).to.equal('https://a-shared');
    expect(ab.getCluster('only-b')?.server).to.equal('https://b-only-b');

    const ba = loadKubeConfig({ env: { KUBECONFIG: [b, a].join(delimiter) }, homeDir: nowhere() });
    expect(ba.getCurrentContext()).to.equal('only-b');
    expect(ba.getCluster('shared')?.server).to.equal('https://b-shared');
  });

  it('takes the current-context from a later file when earlier ones set none', () => {
    const a = write('a', kubeconfig(['one'], undefined));
    const b = write('b', kubeconfig(['two'], 'two'));
    const kc = loadKubeConfig({ env: { KUBECONFIG: [a, b].join(delimiter) }, homeDir: nowhere() });
    expect(kc.getCurrentContext()).to.equal('two');
    expect(contextNamespace(kc)).to.equal('ns-two');
  });

  it('uses ~/.kube/config without $KUBECONFIG, and an explicit file over both', () => {
    write('home/.kube/config', kubeconfig(['home'], 'home'));
    const other = write('other', kubeconfig(['other'], 'other'));
    const fromEnv = write('env', kubeconfig(['env'], 'env'));
    expect(loadKubeConfig({ env: noEnv, homeDir: join(dir, 'home') }).getCurrentContext()).to.equal('home');
    expect(
      loadKubeConfig({ env: { KUBECONFIG: fromEnv }, homeDir: join(dir, 'home') }).getCurrentContext(),
    ).to.equal('env');
    expect(
      loadKubeConfig({
        kubeconfig: other,
        env: { KUBECONFIG: fromEnv },
        homeDir: join(dir, 'home'),
      }).getCurrentContext(),
    ).to.equal('other');
  });

  it('an explicit file that does not exist is an error naming it', () => {
    const err = catching(() => loadKubeConfig({ kubeconfig: join(dir, 'nope.yaml') }));
    expect(err.message).to.equal(`kubeconfig file ${join(dir, 'nope.yaml')} does not exist`);
  });

  it('--context selects a context; an unknown one is an error naming it and the available ones', () => {
    const file = write('config', kubeconfig(['dev', 'prod'], 'dev'));
    const kc = loadKubeConfig({ kubeconfig: file, context: 'prod' });
    expect(kc.getCurrentContext()).to.equal('prod');
    expect(kc.getCurrentCluster()?.server).to.equal('https://prod.example:6443');
    expect(contextNamespace(kc)).to.equal('ns-prod');

    const err = catching(() => loadKubeConfig({ kubeconfig: file, context: 'staging' }));
    expect(err.message).to.equal(`context "staging" not found in ${file} (available: dev, prod)`);
    const empty = write('empty', 'apiVersion: v1\nkind: Config\n');
    expect(catching(() => loadKubeConfig({ kubeconfig: empty, context: 'x' })).message).to.equal(
      `context "x" not found in ${empty} (the kubeconfig defines no contexts)`,
    );
    expect(catching(() => kc.setCurrentContext('qa')).message).to.contain('available: dev, prod');
  });

  it('without any kubeconfig and outside a cluster, says where it looked', () => {
    const err = catching(() => loadKubeConfig({ env: noEnv, homeDir: nowhere(), serviceAccountDir: dir }));
    expect(err.message).to.match(
      /^no kubeconfig found: nothing in .*no-home\/\.kube\/config and not running in a cluster/,
    );
  });

  it('reports malformed kubeconfigs with the file and path', () => {
    const bad = write('bad', 'clusters: [{cluster: {server: https://x}}]\n');
    expect(catching(() => loadKubeConfig({ kubeconfig: bad })).message).to.equal(
      `${bad}: clusters[0] has no name`,
    );
    const notYaml = write('not-yaml', 'clusters: [\n');
    expect(catching(() => loadKubeConfig({ kubeconfig: notYaml })).message).to.contain(
      `${notYaml}: not valid YAML`,
    );
    const noApi = write('no-api', 'users: [{name: u, user: {exec: {command: x}}}]\n');
    expect(catching(() => loadKubeConfig({ kubeconfig: noApi })).message).to.equal(
      `${noApi}: users[0].user.exec has no apiVersion`,
    );
  });

  it('loadFromString replaces the whole config (client-node compatible)', () => {
    const kc = loadKubeConfig({ kubeconfig: write('a', kubeconfig(['a'], 'a')) });
    kc.loadFromString(kubeconfig(['b'], 'b'));
    expect(kc.contexts.map((c) => c.name)).to.deep.equal(['b']);
    expect(kc.getCurrentUser()?.token).to.equal('token-b');
    expect(kc).to.be.instanceOf(KubeConfigData);
  });

  describe('in-cluster', () => {
    const serviceAccount = (files: Record<string, string>): string => {
      const sa = join(dir, 'serviceaccount');
      mkdirSync(sa, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(sa, name), text);
      return sa;
    };
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

    it('uses the service account when no kubeconfig exists', () => {
      const sa = serviceAccount({ token: 'sa-token\n', 'ca.crt': 'CA', namespace: 'kubify-system' });
      const kc = loadKubeConfig({ env, homeDir: nowhere(), serviceAccountDir: sa });
      expect(kc.getCurrentCluster()).to.deep.equal({
        name: 'in-cluster',
        server: 'https://10.96.0.1:443',
        skipTLSVerify: false,
        caFile: join(sa, 'ca.crt'),
      });
      expect(kc.getCurrentUser()).to.deep.equal({ name: 'in-cluster', tokenFile: join(sa, 'token') });
      expect(contextNamespace(kc)).to.equal('kubify-system');
    });

    it('also when every $KUBECONFIG file is missing; POD_NAMESPACE wins; IPv6 hosts get brackets', () => {
      const sa = serviceAccount({ token: 't', namespace: 'from-file' });
      const kc = loadKubeConfig({
        env: {
          KUBECONFIG: join(dir, 'missing'),
          KUBERNETES_SERVICE_HOST: 'fd00::1',
          KUBERNETES_SERVICE_PORT: '6443',
          POD_NAMESPACE: 'from-env',
        },
        homeDir: nowhere(),
        serviceAccountDir: sa,
      });
      expect(kc.getCurrentCluster()?.server).to.equal('https://[fd00::1]:6443');
      expect(kc.getCurrentCluster()?.caFile).to.equal(undefined);
      expect(contextNamespace(kc)).to.equal('from-env');
    });

    it('needs the service env and a token file; a kubeconfig file wins over it', () => {
      const sa = serviceAccount({ 'ca.crt': 'CA' });
      expect(inClusterConfig(env, sa)).to.equal(undefined);
      writeFileSync(join(sa, 'token'), 't');
      expect(inClusterConfig({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }, sa)).to.equal(undefined);
      expect(inClusterConfig(env, sa)?.currentContext).to.equal('in-cluster');
      write('home/.kube/config', kubeconfig(['home'], 'home'));
      expect(
        loadKubeConfig({ env, homeDir: join(dir, 'home'), serviceAccountDir: sa }).getCurrentContext(),
      ).to.equal('home');
    });
  });

  it('no engine/kube module imports @kubernetes/client-node eagerly (only `import type` or `await import`)', () => {
    const kubeDir = new URL('../../../engine/kube/', import.meta.url);
    const eager = readdirSync(kubeDir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) =>
        /^\s*import\s+(?!type\b)[^;]*from\s+'@kubernetes\/client-node'/m.test(
          readFileSync(new URL(f, kubeDir), 'utf8'),
        ),
      );
    expect(eager).to.deep.equal([]);
  });
});
