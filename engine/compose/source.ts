/**
 * What `compile` reads: a composition as YAML text (a pack's `composition.yaml` or a user's file) or as
 * an object (from the API server), plus the pack files it may refer to.
 */

/** Pack files by path relative to the pack folder (`templates/x.yaml.hbs`, `programs/p/__main__.py`). */
export type PackFiles = Readonly<Record<string, string>>;

export interface TextSource {
  /** Name used in problems, e.g. `composition.yaml` or `compositions/rayservice/composition.yaml`. */
  file: string;
  text: string;
  /** Pack files; `templateFile`s and `programs/<name>/**` are inlined from here. */
  files?: PackFiles;
}

export interface ObjectSource {
  /** A Composition object, e.g. as read from the API server. Not modified. */
  object: unknown;
  /** Name used in problems, e.g. `Composition/rayservice`. */
  file?: string;
  files?: PackFiles;
}

export type CompositionSource = TextSource | ObjectSource;

export function isTextSource(source: CompositionSource): source is TextSource {
  return 'text' in source;
}

/** Pack-relative paths kubify accepts: no absolute paths, `..`, backslashes or empty segments. */
export function isSafeRelativePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
