import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../../../engine/kube/clock.ts';
import { HttpsTransport } from '../../../engine/kube/https-transport.ts';
import { resolveConnection, TokenFile } from '../../../engine/kube/kubeconfig-credentials.ts';
import { KubeConfigData } from '../../../engine/kube/kubeconfig-data.ts';

class ManualClock implements Clock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A one-context kubeconfig from a cluster and a user body (YAML flow mappings). */
function config(cluster: string, user: string, extra = ''): KubeConfigData {
  const kc = new KubeConfigData();
  kc.loadFromString(
    `clusters: [{name: c, cluster: ${cluster}}]\nusers: [{name: u, user: ${user}}]\n` +
      `contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n${extra}`,
  );
  return kc;
}

describe('kubeconfig credentials', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubify-kubecreds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads TLS material from data fields (base64) or files; data wins over a file', async () => {
    writeFileSync(join(dir, 'ca.pem'), 'CA FROM FILE');
    writeFileSync(join(dir, 'client.pem'), 'CERT FROM FILE');
    writeFileSync(join(dir, 'client.key'), 'KEY FROM FILE');
    const files = resolveConnection(
      config(
        `{server: "https://api:6443", certificate-authority: ${dir}/ca.pem, tls-server-name: api.internal}`,
        `{client-certificate: ${dir}/client.pem, client-key: ${dir}/client.key}`,
      ),
    );
    expect(files.tls.ca?.toString()).to.equal('CA FROM FILE');
    expect(files.tls.cert?.toString()).to.equal('CERT FROM FILE');
    expect(files.tls.key?.toString()).to.equal('KEY FROM FILE');
    expect(files.tls.servername).to.equal('api.internal');
    expect(files.tls.rejectUnauthorized).to.equal(undefined);
    expect(files.dynamic).to.equal(false);
    expect((await files.credentials()).headers).to.deep.equal({});

    const data = resolveConnection(
      config(
        `{server: "https://api:6443", certificate-authority: ${dir}/ca.pem, certificate-authority-data: ${b64('CA DATA')}}`,
        `{client-certificate-data: ${b64('CERT DATA')}, client-key-data: ${b64('KEY DATA')}, client-key: /nowhere}`,
      ),
    );
    expect(data.tls.ca?.toString()).to.equal('CA DATA');
    expect(data.tls.cert?.toString()).to.equal('CERT DATA');
    expect(data.tls.key?.toString()).to.equal('KEY DATA');
  });

  it('insecure-skip-tls-verify turns verification off; a server without a scheme is https', () => {
    const c = resolveConnection(config('{server: "api.example:6443", insecure-skip-tls-verify: true}', '{}'));
    expect(c.tls).to.deep.equal({ rejectUnauthorized: false });
    expect(c.server.href).to.equal('https://api.example:6443/');
  });

  it('missing files and half a key pair are errors naming the user or cluster', () => {
    expect(() =>
      resolveConnection(config(`{server: "https://a", certificate-authority: ${dir}/none.pem}`, '{}')),
    ).to.throw(`cannot read certificate-authority of cluster "c" ${dir}/none.pem`);
    expect(() =>
      resolveConnection(config('{server: "https://a"}', `{client-certificate-data: ${b64('C')}}`)),
    ).to.throw('user "u" has a client certificate without a key');
  });

  it('bearer token, basic auth and impersonation headers', async () => {
    const token = resolveConnection(
      config(
        '{server: "https://a"}',
        '{token: abc, as: jane, as-uid: "42", as-groups: [devs, "system:masters"], as-user-extra: {"acme.io/team": [a, b]}}',
      ),
    );
    expect((await token.credentials()).headers).to.deep.equal({
      Authorization: 'Bearer abc',
      'Impersonate-User': 'jane',
      'Impersonate-Uid': '42',
      'Impersonate-Group': ['devs', 'system:masters'],
      'Impersonate-Extra-acme.io%2Fteam': ['a', 'b'],
    });
    const basic = resolveConnection(config('{server: "https://a"}', '{username: alice, password: "s3cret"}'));
    expect((await basic.credentials()).headers).to.deep.equal({
      Authorization: `Basic ${b64('alice:s3cret')}`,
    });
  });

  it('errors name the missing context, cluster or user', () => {
    const kc = config('{server: "https://a"}', '{}');
    kc.currentContext = '';
    expect(() => resolveConnection(kc)).to.throw('kubeconfig has no current context (available: x)');
    kc.currentContext = 'gone';
    expect(() => resolveConnection(kc)).to.throw(
      'current context "gone" not found in kubeconfig (available: x)',
    );
    kc.currentContext = 'x';
    kc.contexts = [{ name: 'x', cluster: 'c', user: 'nobody' }];
    expect(() => resolveConnection(kc)).to.throw(
      'context "x" names user "nobody", which the kubeconfig does not define',
    );
    kc.contexts = [{ name: 'x', cluster: 'other', user: 'u' }];
    expect(() => resolveConnection(kc)).to.throw(
      'context "x" names cluster "other", which the kubeconfig does not define',
    );
  });

  it('re-reads a token file after the refresh period and keeps the last good token if it vanishes', () => {
    const clock = new ManualClock();
    const path = join(dir, 'token');
    writeFileSync(path, 'one\n');
    const file = new TokenFile(path, clock, 60_000);
    expect(file.token()).to.equal('one');
    writeFileSync(path, 'two\n');
    clock.t += 59_999;
    expect(file.token()).to.equal('one');
    clock.t += 1;
    expect(file.token()).to.equal('two');
    rmSync(path);
    clock.t += 60_000;
    expect(file.token()).to.equal('two');
    writeFileSync(path, 'three');
    file.invalidate();
    expect(file.token()).to.equal('three');
    expect(() => new TokenFile(join(dir, 'missing'), clock).token()).to.throw(
      `cannot read token file ${dir}/missing`,
    );
  });

  it('a token file is a per-request credential; a token wins over it', async () => {
    const clock = new ManualClock();
    writeFileSync(join(dir, 'token'), 'first');
    const c = resolveConnection(config('{server: "https://a"}', `{tokenFile: ${dir}/token}`), { clock });
    expect(c.dynamic).to.equal(true);
    expect((await c.credentials()).headers.Authorization).to.equal('Bearer first');
    writeFileSync(join(dir, 'token'), 'second');
    clock.t += 60_000;
    expect((await c.credentials()).headers.Authorization).to.equal('Bearer second');
    const both = resolveConnection(
      config('{server: "https://a"}', `{token: inline, tokenFile: ${dir}/token}`),
    );
    expect(both.dynamic).to.equal(false);
    expect((await both.credentials()).headers.Authorization).to.equal('Bearer inline');
  });

  it('accepts a client-node KubeConfig, read through its export', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(
      JSON.stringify({
        clusters: [
          { name: 'c', cluster: { server: 'https://cn:6443', 'certificate-authority-data': b64('CN CA') } },
        ],
        users: [{ name: 'u', user: { token: 'cn-token', as: 'someone' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const c = resolveConnection(kc);
    expect(c.server.host).to.equal('cn:6443');
    expect(c.tls.ca?.toString()).to.equal('CN CA');
    expect((await c.credentials()).headers).to.deep.equal({
      Authorization: 'Bearer cn-token',
      'Impersonate-User': 'someone',
    });
  });

  it('delegates legacy auth-provider users to @kubernetes/client-node', async () => {
    const expiry = new Date(Date.now() + 3_600_000).toISOString();
    const c = resolveConnection(
      config(
        '{server: "https://a"}',
        `{auth-provider: {name: gcp, config: {access-token: gcp-token, expiry: "${expiry}"}}, as: viewer}`,
      ),
    );
    expect(c.dynamic).to.equal(true);
    expect((await c.credentials()).headers).to.deep.equal({
      Authorization: 'Bearer gcp-token',
      'Impersonate-User': 'viewer',
    });
  });

  describe('over HTTP (HttpsTransport)', () => {
    let server: Server;
    let seen: IncomingHttpHeaders[];
    let distinct: Record<string, string[]>[];
    let status = 200;
    let url: string;

    beforeEach(async () => {
      seen = [];
      distinct = [];
      status = 200;
      server = createServer((req, res) => {
        seen.push(req.headers);
        distinct.push(req.headersDistinct as Record<string, string[]>);
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      await new Promise((r) => server.close(r));
    });

    it('sends impersonation groups as separate headers and a rotated token file on later requests', async () => {
      const clock = new ManualClock();
      writeFileSync(join(dir, 'token'), 'sa-1');
      const transport = new HttpsTransport(
        config(`{server: "${url}/base"}`, `{tokenFile: ${dir}/token, as: jane, as-groups: [a, b]}`),
        { credentials: { clock } },
      );
      try {
        await transport.request({ method: 'GET', path: '/api' });
        writeFileSync(join(dir, 'token'), 'sa-2');
        await transport.request({ method: 'GET', path: '/api' });
        clock.t += 60_000;
        await transport.request({ method: 'GET', path: '/api' });
      } finally {
        transport.close();
      }
      expect(seen.map((h) => h.authorization)).to.deep.equal(['Bearer sa-1', 'Bearer sa-1', 'Bearer sa-2']);
      expect(distinct[0]?.['impersonate-group']).to.deep.equal(['a', 'b']);
      expect(seen[0]?.['impersonate-user']).to.equal('jane');
    });

    it('after a 401 the token file is read again at once', async () => {
      const clock = new ManualClock();
      writeFileSync(join(dir, 'token'), 'old');
      const transport = new HttpsTransport(config(`{server: "${url}"}`, `{tokenFile: ${dir}/token}`), {
        credentials: { clock },
      });
      try {
        status = 401;
        const res = await transport.request({ method: 'GET', path: '/api' });
        expect(res.status).to.equal(401);
        writeFileSync(join(dir, 'token'), 'new');
        status = 200;
        await transport.request({ method: 'GET', path: '/api' });
      } finally {
        transport.close();
      }
      expect(seen.map((h) => h.authorization)).to.deep.equal(['Bearer old', 'Bearer new']);
    });
  });
});
