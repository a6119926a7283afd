import { expect } from 'chai';
import { ArtifactServer } from '../../../../engine/controller/artifacts/server.ts';
import { buildTarball } from '../../../../engine/controller/artifacts/tarball.ts';

describe('ArtifactServer', () => {
  const server = new ArtifactServer();
  let base = '';
  before(async () => {
    const address = await server.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
  });
  after(() => server.close());

  it('serves a published tarball byte for byte at its path', async () => {
    const t = buildTarball({ '__main__.py': 'print(1)\n' });
    const path = server.publish('team-a', 'cluster', t);
    expect(path).to.equal(`/programs/team-a/cluster/${t.revision}.tar.gz`);
    const res = await fetch(base + path);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/gzip');
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), t.bytes)).to.equal(0);
  });

  it('keeps the previous revision and drops older ones', async () => {
    const revs = ['1', '2', '3'].map((n) => buildTarball({ 'f.py': n }));
    const paths = revs.map((t) => server.publish('team-a', 'rolling', t));
    expect((await fetch(base + paths[2])).status).to.equal(200);
    expect((await fetch(base + paths[1])).status).to.equal(200);
    expect((await fetch(base + paths[0])).status).to.equal(404);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const t = buildTarball({ 'x.py': '' });
    const path = server.publish('team-b', 'head', t);
    const head = await fetch(base + path, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(Number(head.headers.get('content-length'))).to.equal(t.bytes.length);
    expect((await fetch(base + path, { method: 'POST' })).status).to.equal(405);
  });

  it('answers 404 for unknown programs, revisions and paths', async () => {
    for (const path of [
      '/programs/none/none/abc.tar.gz',
      '/programs/team-a/cluster/0000.tar.gz',
      '/etc/passwd',
      '/programs/../x',
    ]) {
      expect((await fetch(base + path)).status, path).to.equal(404);
    }
  });

  it('stops serving a removed program', async () => {
    const path = server.publish('team-c', 'gone', buildTarball({ 'a.py': '' }));
    server.remove('team-c', 'gone');
    expect((await fetch(base + path)).status).to.equal(404);
  });
});
