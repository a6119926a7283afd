/**
 * Throwaway files for CLI tests: a temporary folder with claims, observed files and packs.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './run-cli.ts';

export const RAYSERVICE_PACK = join(REPO_ROOT, 'compositions', 'rayservice');

export interface Workspace {
  dir: string;
  write(path: string, text: string): string;
  /** Copies the rayservice pack to `path` and applies `edit` to one of its files. */
  brokenPack(path: string, file: string, edit: (text: string) => string): string;
  remove(): void;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'kubify-cli-'));
  const write = (path: string, text: string): string => {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  return {
    dir,
    write,
    brokenPack(path, file, edit) {
      const target = join(dir, path);
      cpSync(RAYSERVICE_PACK, target, { recursive: true });
      write(join(path, file), edit(readFileSync(join(target, file), 'utf8')));
      return target;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export const CLAIM = `apiVersion: ml.kubify.io/v1alpha1
kind: RayService
metadata:
  name: demo
  namespace: team-a
spec:
  image: rayproject/ray:2.46.0
  rayVersion: 2.46.0
  applications:
    - name: demo
      importPath: demo.app
      routePrefix: /demo
`;
