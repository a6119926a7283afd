import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../engine/kube/clock.ts';
import { ExecCredentialProvider } from '../../../engine/kube/exec-credential.ts';
import { resolveConnection } from '../../../engine/kube/kubeconfig-credentials.ts';
import { loadKubeConfig } from '../../../engine/kube/kubeconfig.ts';
import type { ExecConfig } from '../../../engine/kube/kubeconfig-types.ts';

class ManualClock implements Clock {
  t = Date.parse('2030-01-01T00:00:00Z');
  now(): number {
    return this.t;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

const V1 = 'client.authentication.k8s.io/v1';

/**
 * A plugin that counts its runs in $RUNS, saves $KUBERNETES_EXEC_INFO to $INFO and prints an
 * ExecCredential whose token is `<arg1>-<$PREFIX>-<run>`, expiring at $EXPIRY (when set).
 */
const PLUGIN = `#!/bin/sh
echo run >> "$RUNS"
n=$(wc -l < "$RUNS" | tr -d ' ')
printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO"
if [ -n "$EXPIRY" ]; then exp=",\\"expirationTimestamp\\":\\"$EXPIRY\\""; else exp=""; fi
printf '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s-%s-%s"%s}}\\n' "$API" "$1" "$PREFIX" "$n" "$exp"
`;

describe('exec credential plugins', () => {
  let dir: string;
  let clock: ManualClock;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubify-exec-'));
    clock = new ManualClock();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const script = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, 0o755);
    return path;
  };
  const runs = (): number => readFileSync(join(dir, 'runs'), 'utf8').split('\n').filter(Boolean).length;
  const plugin = (env: Record<string, string> = {}, apiVersion = V1): ExecConfig => ({
    command: script('plugin.sh', PLUGIN),
    args: ['arg'],
    env: Object.entries({
      RUNS: join(dir, 'runs'),
      INFO: join(dir, 'info'),
      PREFIX: 'p',
      API: apiVersion,
      ...env,
    }).map(([name, value]) => ({ name, value })),
    apiVersion,
    provideClusterInfo: false,
  });

  it('runs the command with its args and env and caches the token until expirationTimestamp', async () => {
    const expiry = new Date(clock.t + 5 * 60_000).toISOString();
    const provider = new ExecCredentialProvider(plugin({ EXPIRY: expiry }), { clock });
    const first = await provider.get();
    expect(first).to.deep.equal({ token: 'arg-p-1', expiresAt: Date.parse(expiry) });
    clock.t += 5 * 60_000 - 1;
    expect((await provider.get()).token).to.equal('arg-p-1');
    expect(runs()).to.equal(1);
    clock.t += 1;
    expect((await provider.get()).token).to.equal('arg-p-2');
    expect(runs()).to.equal(2);
    const info = JSON.parse(readFileSync(join(dir, 'info'), 'utf8')) as unknown;
    expect(info).to.deep.equal({ apiVersion: V1, kind: 'ExecCredential', spec: { interactive: false } });
  });

  it('without an expiry, caches until invalidated (a 401); concurrent callers share one run', async () => {
    const provider = new ExecCredentialProvider(plugin(), { clock });
    const [a, b] = await Promise.all([provider.get(), provider.get()]);
    expect([a.token, b.token]).to.deep.equal(['arg-p-1', 'arg-p-1']);
    clock.t += 365 * 86_400_000;
    expect((await provider.get()).token).to.equal('arg-p-1');
    provider.invalidate();
    expect((await provider.get()).token).to.equal('arg-p-2');
    expect(runs()).to.equal(2);
  });

  it('speaks v1beta1 too, and returns client certificates', async () => {
    const beta = new ExecCredentialProvider(plugin({}, 'client.authentication.k8s.io/v1beta1'), { clock });
    expect((await beta.get()).token).to.equal('arg-p-1');
    const certs = script(
      'certs.sh',
      `#!/bin/sh\necho '{"apiVersion":"${V1}","kind":"ExecCredential","status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}}'\n`,
    );
    const provider = new ExecCredentialProvider({
      command: certs,
      args: [],
      env: [],
      apiVersion: V1,
      provideClusterInfo: false,
    });
    expect(await provider.get()).to.deep.equal({ clientCertificateData: 'CERT', clientKeyData: 'KEY' });
  });

  it('a failing command is an error carrying its exit code and stderr', async () => {
    const failing = script(
      'fail.sh',
      '#!/bin/sh\necho "error: no SSO session, run aws sso login" >&2\nexit 3\n',
    );
    const provider = new ExecCredentialProvider({
      command: failing,
      args: ['x'],
      env: [],
      apiVersion: V1,
      provideClusterInfo: false,
    });
    const err = await provider.get().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal(
      `exec plugin "${failing} x" failed with exit code 3: error: no SSO session, run aws sso login`,
    );
  });

  it('a missing command names it and shows the install hint; bad output is named', async () => {
    const missing = new ExecCredentialProvider({
      command: join(dir, 'no-such-plugin'),
      args: [],
      env: [],
      apiVersion: V1,
      provideClusterInfo: false,
      installHint: 'install it with: brew install no-such-plugin',
    });
    const err = await missing.get().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal(
      `exec plugin: executable ${join(dir, 'no-such-plugin')} not found\ninstall it with: brew install no-such-plugin`,
    );
    const wrong = new ExecCredentialProvider(plugin({ API: 'client.authentication.k8s.io/v1beta1' }), {
      clock,
    });
    const mismatch = await wrong.get().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(mismatch?.message).to.match(
      /printed apiVersion client.authentication.k8s.io\/v1beta1, expected client.authentication.k8s.io\/v1$/,
    );
    expect(
      () => new ExecCredentialProvider({ ...plugin(), apiVersion: 'client.authentication.k8s.io/v1alpha1' }),
    ).to.throw('unsupported apiVersion');
    expect(() => new ExecCredentialProvider({ ...plugin(), interactiveMode: 'Always' })).to.throw(
      'interactive terminal',
    );
  });

  it('from a kubeconfig: a relative command resolves against its directory; cluster info when asked', async () => {
    script('plugin.sh', PLUGIN);
    const file = join(dir, 'config');
    writeFileSync(
      file,
      `
clusters:
- name: c
  cluster:
    server: https://api.example:6443
    certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')}
    extensions:
    - name: client.authentication.k8s.io/exec
      extension: {audience: kubify}
users:
- name: u
  user:
    as: impersonated
    exec:
      apiVersion: ${V1}
      command: ./plugin.sh
      args: [cfg]
      provideClusterInfo: true
      interactiveMode: IfAvailable
      env:
      - {name: RUNS, value: ${join(dir, 'runs')}}
      - {name: INFO, value: ${join(dir, 'info')}}
      - {name: PREFIX, value: kc}
      - {name: API, value: ${V1}}
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const conn = resolveConnection(loadKubeConfig({ kubeconfig: file }), { clock });
    expect(conn.dynamic).to.equal(true);
    expect(conn.dynamicCert).to.equal(true);
    expect((await conn.credentials()).headers).to.deep.equal({
      Authorization: 'Bearer cfg-kc-1',
      'Impersonate-User': 'impersonated',
    });
    expect((await conn.credentials()).headers.Authorization).to.equal('Bearer cfg-kc-1');
    expect(JSON.parse(readFileSync(join(dir, 'info'), 'utf8'))).to.deep.equal({
      apiVersion: V1,
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        cluster: {
          server: 'https://api.example:6443',
          'certificate-authority-data': Buffer.from('CA PEM').toString('base64'),
          config: { audience: 'kubify' },
        },
      },
    });
    conn.invalidate();
    expect((await conn.credentials()).headers.Authorization).to.equal('Bearer cfg-kc-2');
  });
});
