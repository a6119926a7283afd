import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTarball, TarPathError } from '../../../../engine/controller/artifacts/tarball.ts';

const program = {
  'Pulumi.yaml': 'name: cluster\nruntime: python\n',
  '__main__.py': 'import pulumi\npulumi.export("ok", True)\n',
  'requirements.txt': 'pulumi==3.0.0\n',
  'lib/helpers.py': '# ünïcode comment\n',
};

describe('buildTarball', () => {
  it('is byte-identical across builds and independent of key order', () => {
    const a = buildTarball(program);
    const reversed = Object.fromEntries(Object.entries(program).reverse());
    const b = buildTarball(reversed);
    expect(Buffer.compare(a.bytes, b.bytes)).to.equal(0);
    expect(a.digest).to.equal(b.digest);
  });

  it('publishes the sha256 of the exact bytes as its digest', () => {
    const t = buildTarball(program);
    expect(t.digest).to.equal(`sha256:${createHash('sha256').update(t.bytes).digest('hex')}`);
    expect(t.revision).to.equal(t.digest.slice('sha256:'.length, 'sha256:'.length + 16));
  });

  const changes: [string, Record<string, string>][] = [
    ['a changed byte', { ...program, '__main__.py': 'import pulumi\npulumi.export("ok", False)\n' }],
    ['an added file', { ...program, 'extra.py': '' }],
    [
      'a renamed file',
      {
        ...Object.fromEntries(Object.entries(program).filter(([k]) => k !== 'lib/helpers.py')),
        'lib/helper.py': '# ünïcode comment\n',
      },
    ],
  ];
  for (const [what, files] of changes) {
    it(`changes revision for ${what}`, () => {
      expect(buildTarball(files).revision).to.not.equal(buildTarball(program).revision);
    });
  }

  it('extracts with tar to the same files, with fixed modes and times', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubify-tar-'));
    try {
      writeFileSync(join(dir, 'p.tar.gz'), buildTarball(program).bytes);
      const listing = execFileSync('tar', ['-tvzf', 'p.tar.gz', '--numeric-owner', '--full-time'], {
        cwd: dir,
      })
        .toString()
        .trim()
        .split('\n');
      expect(listing.map((l) => l.split(/\s+/).pop())).to.deep.equal([
        'Pulumi.yaml',
        '__main__.py',
        'lib/',
        'lib/helpers.py',
        'requirements.txt',
      ]);
      expect(listing.every((l) => l.includes('0/0') && l.includes('1970-01-01'))).to.equal(true);
      expect(listing[2]).to.match(/^drwxr-xr-x/);
      expect(listing[0]).to.match(/^-rw-r--r--/);
      execFileSync('tar', ['-xzf', 'p.tar.gz'], { cwd: dir });
      for (const [path, content] of Object.entries(program)) {
        expect(readFileSync(join(dir, path), 'utf8')).to.equal(content);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores paths longer than 100 bytes with the ustar prefix', () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file.py`;
    const dir = mkdtempSync(join(tmpdir(), 'kubify-tar-'));
    try {
      writeFileSync(join(dir, 'p.tar.gz'), buildTarball({ [long]: 'x' }).bytes);
      execFileSync('tar', ['-xzf', 'p.tar.gz'], { cwd: dir });
      expect(readFileSync(join(dir, long), 'utf8')).to.equal('x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const bad: [string, Record<string, string>, string][] = [
    ['no files', {}, 'a program needs at least one file'],
    ['an absolute path', { '/etc/passwd': '' }, 'invalid file path "/etc/passwd"'],
    ['a parent reference', { '../x.py': '' }, 'invalid file path "../x.py"'],
    ['an empty segment', { 'a//b.py': '' }, 'invalid file path "a//b.py"'],
    ['a path over 255 bytes', { ['x'.repeat(256)]: '' }, 'file path too long'],
  ];
  for (const [what, files, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => buildTarball(files)).to.throw(TarPathError, message);
    });
  }
});
