import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from '../../../engine/controlplane/index.ts';
import { ForbiddenError, UnauthorizedError } from '../../../engine/kube/errors.ts';
import type { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import { createKubeClient, loadKubeConfig } from '../../../engine/kube/kubeconfig.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import { sharedControlPlane } from '../../support/cluster.ts';

describe('kubify kubeconfig loader against a real API server', () => {
  let cp: ControlPlane;
  let dir: string;

  before(async () => {
    cp = await sharedControlPlane();
    dir = mkdtempSync(join(tmpdir(), 'kubify-kubeconfig-it-'));
    writeFileSync(join(dir, 'ca.crt'), cp.caPem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A kubeconfig in the temp dir: CA by relative path, the given user body (YAML). */
  const kubeconfigWith = (name: string, user: string): string => {
    const path = join(dir, name);
    writeFileSync(
      path,
      `apiVersion: v1
kind: Config
clusters: [{name: embedded, cluster: {server: "${cp.server}", certificate-authority: ca.crt}}]
users: [{name: me, user: ${user}}]
contexts: [{name: here, context: {cluster: embedded, user: me, namespace: kube-system}}]
current-context: here
`,
    );
    return path;
  };

  async function namespaces(kubeconfig: string): Promise<string[]> {
    const client: HttpKubeClient = createKubeClient({
      kubeConfig: loadKubeConfig({ kubeconfig }),
      logger: silentLogger,
    });
    try {
      const list = await client.list({ apiVersion: 'v1', kind: 'Namespace' });
      return list.items.map((n) => n.metadata.name ?? '');
    } finally {
      client.close();
    }
  }

  async function failure(kubeconfig: string): Promise<unknown> {
    return namespaces(kubeconfig).then(
      () => undefined,
      (e: unknown) => e,
    );
  }

  const adminCredential = (): { cert: string; key: string } => {
    const user = loadKubeConfig({ kubeconfig: cp.kubeconfigPath }).getCurrentUser();
    return {
      cert: Buffer.from(user?.certData ?? '', 'base64').toString(),
      key: Buffer.from(user?.keyData ?? '', 'base64').toString(),
    };
  };

  it('lists namespaces with client-certificate auth (the control plane kubeconfig)', async () => {
    expect(await namespaces(cp.kubeconfigPath)).to.include.members(['default', 'kube-system']);
  });

  it('lists namespaces with a bearer token, and with a token file', async () => {
    expect(await namespaces(kubeconfigWith('token', `{token: ${cp.adminToken}}`))).to.include('kube-system');
    writeFileSync(join(dir, 'admin-token'), `${cp.adminToken}\n`);
    expect(await namespaces(kubeconfigWith('token-file', '{tokenFile: admin-token}'))).to.include(
      'kube-system',
    );
  });

  it('a wrong token is an UnauthorizedError', async () => {
    expect(await failure(kubeconfigWith('bad-token', '{token: not-a-valid-token}'))).to.be.instanceOf(
      UnauthorizedError,
    );
  });

  it('an impersonated user without RBAC gets 403; with an impersonated group that may, it succeeds', async () => {
    const nobody = join(dir, 'as-nobody');
    writeFileSync(nobody, cp.kubeconfigAs('system:serviceaccount:nowhere:nobody'));
    const err = await failure(nobody);
    expect(err).to.be.instanceOf(ForbiddenError);
    expect((err as ForbiddenError).message).to.contain('system:serviceaccount:nowhere:nobody');

    const { cert, key } = adminCredential();
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const groups = kubeconfigWith(
      'as-groups',
      `{client-certificate-data: ${b64(cert)}, client-key-data: ${b64(key)}, as: someone, as-groups: [kubify:nothing, "system:masters"]}`,
    );
    expect(await namespaces(groups)).to.include('kube-system');
  });

  it('uses exec plugins that issue a token or a client certificate', async () => {
    const credential = (status: Record<string, string>): string => {
      const json = join(dir, `credential-${Object.keys(status).join('-')}.json`);
      writeFileSync(
        json,
        JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }),
      );
      const script = `${json}.sh`;
      writeFileSync(script, `#!/bin/sh\ncat '${json}'\n`);
      chmodSync(script, 0o755);
      return script;
    };
    const exec = (script: string): string =>
      `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${script}, interactiveMode: Never}}`;
    expect(
      await namespaces(kubeconfigWith('exec-token', exec(credential({ token: cp.adminToken })))),
    ).to.include('kube-system');
    const { cert, key } = adminCredential();
    const certPlugin = credential({ clientCertificateData: cert, clientKeyData: key });
    expect(await namespaces(kubeconfigWith('exec-cert', exec(certPlugin)))).to.include('kube-system');
  });
});
