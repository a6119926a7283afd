/** `kubify analyze`: the report or JSON, and exit codes for bad inputs. */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runKubify } from './run-cli.ts';

const PKG = 'test/fixtures/packages';

describe('kubify analyze', () => {
  it('prints the readable report (exit 0)', async () => {
    const run = await runKubify(['analyze', `${PKG}/node-express`]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^Analysis of test\/fixtures\/packages\/node-express: 1 service\n/);
    expect(run.stdout).to.match(
      /todo-api\s+\.\s+node\s+express\s+3000\s+npm start\s+\/healthz\s+postgresql, redis/,
    );
  });

  it('--json prints stable JSON with evidence', async () => {
    const run = await runKubify(['analyze', `${PKG}/compose-multi`, '--json']);
    expect(run.code).to.equal(0);
    const report = JSON.parse(run.stdout) as {
      root: string;
      services: { name: string; port?: { value: number; evidence: { file: string }[] } }[];
    };
    expect(report.root).to.equal(`${PKG}/compose-multi`);
    expect(report.services.map((s) => s.name)).to.deep.equal(['web', 'worker']);
    expect(report.services[0]?.port?.evidence[0]?.file).to.equal('compose.yaml');
  });

  it('warnings keep exit 0 (conflicting ports), fatal problems exit 1 naming file and line', async () => {
    const warn = await runKubify(['analyze', `${PKG}/conflicting-ports`]);
    expect(warn.code).to.equal(0);
    expect(warn.stdout).to.match(/Warning\s+\S+:\d+: .*\(analyze\.port\.conflict\)/);
    const broken = await runKubify(['analyze', `${PKG}/compose-broken`]);
    expect(broken.code).to.equal(1);
    expect(broken.stdout).to.contain('Fatal    compose.yaml:8:1: invalid YAML');
  });

  it('an empty folder and binary junk exit 1; a missing folder or a file exits 2', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'kubify-analyze-'));
    const e = await runKubify(['analyze', empty]);
    expect([e.code, e.stdout]).to.satisfy(
      ([c, o]: [number, string]) => c === 1 && o.includes('the directory is empty'),
    );
    const junk = mkdtempSync(path.join(tmpdir(), 'kubify-junk-'));
    writeFileSync(path.join(junk, 'blob.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 0xff, 0xfe, 0]));
    const j = await runKubify(['analyze', junk]);
    expect(j.code).to.equal(1);
    expect(j.stdout).to.contain('no service found');
    const missing = await runKubify(['analyze', `${PKG}/nope`]);
    expect([missing.code, missing.stderr]).to.deep.equal([2, `error: no such directory: ${PKG}/nope\n`]);
    const file = await runKubify(['analyze', `${PKG}/node-express/package.json`]);
    expect(file.code).to.equal(2);
    expect(file.stderr).to.contain('not a directory');
  });
});
