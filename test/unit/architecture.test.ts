import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const engine = join(root, 'engine');

/** Which engine layers each layer may import (itself included). Imports flow downward only. */
const allowed: Record<string, string[]> = {
  api: ['api'],
  compose: ['api', 'compose'],
  packs: ['api', 'compose', 'packs'],
  kube: ['api', 'kube'],
  controlplane: ['controlplane'],
  controller: ['api', 'compose', 'packs', 'kube', 'controller'],
  analyze: ['api', 'compose', 'packs', 'analyze'],
  cli: ['api', 'compose', 'packs', 'kube', 'controller', 'analyze', 'controlplane', 'cli'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const files = sources(engine).map((file) => ({ file, layer: relative(engine, file).split('/')[0]! }));

describe('architecture', () => {
  it('knows every engine layer', () => {
    const layers = [...new Set(files.map((f) => f.layer))].filter((l) => !l.endsWith('.ts'));
    for (const layer of layers) expect(allowed, `layer engine/${layer} has no rule`).to.have.property(layer);
  });

  it('imports flow downward only', () => {
    const violations: string[] = [];
    for (const { file, layer } of files) {
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(engine, resolve(dirname(file), spec)).split('/')[0]!;
        if (!(allowed[layer] ?? []).includes(target))
          violations.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(violations).to.deep.equal([]);
  });

  it('only engine/kube uses @kubernetes/client-node', () => {
    const users = files
      .filter(
        ({ file, layer }) => layer !== 'kube' && imports(file).some((s) => s.startsWith('@kubernetes/')),
      )
      .map(({ file }) => relative(root, file));
    expect(users).to.deep.equal([]);
  });

  it('engine/compose is pure: no I/O modules, clock or randomness', () => {
    const impure =
      /\b(node:(fs|net|http|https|child_process|os|dgram|worker_threads)|Date\.now|new Date\(\)|Math\.random|setTimeout|await )/;
    const offenders = files
      .filter(({ layer }) => layer === 'compose')
      .flatMap(({ file }) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, i }))
          .filter(
            ({ line }) => !line.trim().startsWith('//') && !line.trim().startsWith('*') && impure.test(line),
          )
          .map(({ i, line }) => `${relative(root, file)}:${i + 1}: ${line.trim()}`),
      );
    expect(offenders).to.deep.equal([]);
  });
});
