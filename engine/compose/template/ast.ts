/** Builders for the Handlebars AST nodes the rewrite inserts. */

type Loc = hbs.AST.SourceLocation;

const NO_STRIP: hbs.AST.StripFlags = { open: false, close: false };

export function noStrip(): hbs.AST.StripFlags {
  return { ...NO_STRIP };
}

export function pathNode(
  parts: string[],
  original: string,
  loc: Loc,
  options: { data?: boolean; depth?: number } = {},
): hbs.AST.PathExpression {
  return {
    type: 'PathExpression',
    data: options.data ?? false,
    depth: options.depth ?? 0,
    parts,
    original,
    loc,
  };
}

export function numberNode(value: number, loc: Loc): hbs.AST.NumberLiteral {
  return { type: 'NumberLiteral', value, original: value, loc };
}

export function hashNode(pairs: hbs.AST.HashPair[], loc: Loc): hbs.AST.Hash {
  return { type: 'Hash', pairs, loc };
}

export function subExpression(
  helper: string,
  params: hbs.AST.Expression[],
  hash: hbs.AST.Hash | undefined,
  loc: Loc,
): hbs.AST.SubExpression {
  return {
    type: 'SubExpression',
    path: pathNode([helper], helper, loc),
    params,
    hash: hash ?? hashNode([], loc),
    loc,
  };
}

export function mustache(helper: string, params: hbs.AST.Expression[], loc: Loc): hbs.AST.MustacheStatement {
  return {
    type: 'MustacheStatement',
    path: pathNode([helper], helper, loc),
    params,
    hash: hashNode([], loc),
    escaped: true,
    strip: noStrip(),
    loc,
  };
}

/** `foo` as opposed to `this.foo`, `./foo`, `../foo`, `foo.bar` or `@foo`. */
export function isSimpleName(path: hbs.AST.PathExpression): boolean {
  return !path.data && path.depth === 0 && path.parts.length === 1 && path.original === path.parts[0];
}

/** Handlebars' `scopedId`: `this.x` and `./x` never refer to a block parameter or a helper. */
export function isScoped(path: hbs.AST.PathExpression): boolean {
  return /^\.|this\b/.test(path.original);
}

/** The text a content statement renders, and how many leading characters whitespace control removed. */
export function contentText(node: hbs.AST.ContentStatement): { value: string; lead: number } {
  const value = node.value;
  const original = (node as unknown as { original?: unknown }).original;
  if (typeof original !== 'string') return { value, lead: 0 };
  for (let lead = 0; lead + value.length <= original.length; lead++) {
    if (original.startsWith(value, lead)) return { value, lead };
    if (!/\s/.test(original[lead] ?? '')) break;
  }
  return { value, lead: 0 };
}
