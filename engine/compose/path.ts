/**
 * JSON paths as kubify prints them: `spec.resources[1].id`, `spec.programs.train.files["src/a.py"]`.
 */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['spec', 'resources', 1, 'id']` -> `spec.resources[1].id`; odd keys are quoted: `files["a/b.py"]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Decodes a JSON pointer (`/spec/resources/1/id`), typing indices by walking `root`. */
export function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(key)) {
      out.push(Number(key));
      node = node[Number(key)];
    } else {
      out.push(key);
      node = isRecord(node) ? node[key] : undefined;
    }
  }
  return out;
}

/**
 * Parses the dot paths a composition author writes (`status.phase`, `status.conditions[0].type`,
 * `metadata.labels["app.kubernetes.io/name"]`). Returns undefined when the syntax is wrong.
 */
export function parseDotPath(text: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = text.slice(i + 1, close);
      if (/^(0|[1-9][0-9]*)$/.test(inner)) out.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else return undefined;
      i = close + 1;
      if (i < text.length && text[i] !== '.' && text[i] !== '[') return undefined;
      if (text[i] === '.') i += 1;
      continue;
    }
    const match = /^[^.[\]]+/.exec(text.slice(i));
    if (!match) return undefined;
    out.push(match[0]);
    i += match[0].length;
    if (text[i] === '.') {
      i += 1;
      if (i >= text.length) return undefined;
    }
  }
  return out.length > 0 ? out : undefined;
}

/** The value at `path` in `root`, or undefined. */
export function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof segment === 'number') node = Array.isArray(node) ? (node[segment] as unknown) : undefined;
    else
      node =
        isRecord(node) && Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
