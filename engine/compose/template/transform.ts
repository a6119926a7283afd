import type { Problem } from '../../api/problem.ts';
import {
  contentText,
  hashNode,
  isScoped,
  isSimpleName,
  mustache,
  noStrip,
  numberNode,
  pathNode,
  subExpression,
} from './ast.ts';
import { problemAt } from './errors.ts';
import type { TemplateProblemCode } from './errors.ts';
import { BLOCK_HELPERS, HELPERS, isTolerant } from './helpers/index.ts';
import { ANY_ITEM, ANY_VALUE } from './paths.ts';
import type { FilePos, Origin, SourcePos } from './positions.ts';
import { advance } from './positions.ts';
import type { CallSite, EmitSite, LookupSite } from './program.ts';
import { CALL, EMIT, GET } from './runtime.ts';
import { markFor } from './source-map.ts';
import type { TemplateOptions, TemplateRef } from './types.ts';

/*
 * One pass over the parsed template that validates it, lists the data paths it reads (`refs`) and
 * rewrites it for the placeholder technique:
 *   {{expr}}             -> {{__kubify_emit <emit> expr'}}       (renders a token, records the value)
 *   a.b.c                -> (__kubify_get this <lookup>)         (own-property read of a, b, c)
 *   (helper x y)         -> (__kubify_call <call> x' y')         (runs the pure helper by name)
 *   content text         -> \u0001<content>\u0002 text           (source map marks, see source-map.ts)
 * Block helpers (#if, #unless, #each, #with) stay Handlebars' own and run on the real values.
 */

interface BlockParam {
  /** Absolute path of the value the block parameter stands for; undefined for an index or key. */
  abs: string[] | undefined;
}

interface Scope {
  /** Absolute path of `this`, `..`, `../..`, ... (innermost last); undefined when not statically known. */
  contexts: (string[] | undefined)[];
  params: Map<string, BlockParam>[];
}

const DATA_VARIABLES = new Set(['index', 'key', 'first', 'last', 'root']);

type Expr = { node: hbs.AST.Expression; abs?: string[] | undefined };

export interface TransformResult {
  problems: Problem[];
  refs: TemplateRef[];
  lookups: LookupSite[];
  calls: CallSite[];
  emits: EmitSite[];
  contents: SourcePos[];
}

export function transform(
  ast: hbs.AST.Program,
  source: string,
  origin: Origin,
  opts: TemplateOptions,
): TransformResult {
  return new Transformer(source, origin, opts).run(ast);
}

class Transformer {
  private readonly out: TransformResult = {
    problems: [],
    refs: [],
    lookups: [],
    calls: [],
    emits: [],
    contents: [],
  };
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly source: string,
    private readonly origin: Origin,
    private readonly opts: TemplateOptions,
  ) {
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  run(ast: hbs.AST.Program): TransformResult {
    this.program(ast, { contexts: [[]], params: [] });
    return this.out;
  }

  private pos(loc: hbs.AST.SourceLocation): FilePos {
    return this.origin.toFile(loc.start);
  }

  private text(loc: hbs.AST.SourceLocation): string {
    const offset = (p: hbs.AST.Position): number => (this.lineStarts[p.line - 1] ?? 0) + p.column;
    return this.source.slice(offset(loc.start), offset(loc.end));
  }

  private problem(code: TemplateProblemCode, message: string, loc: hbs.AST.SourceLocation): void {
    this.out.problems.push(problemAt(this.origin, code, message, this.pos(loc)));
  }

  private program(program: hbs.AST.Program | undefined, scope: Scope): void {
    if (!program) return;
    program.body = program.body.map((statement) => this.statement(statement, scope));
  }

  private statement(node: hbs.AST.Statement, scope: Scope): hbs.AST.Statement {
    switch (node.type) {
      case 'ContentStatement':
        return this.content(node as hbs.AST.ContentStatement);
      case 'CommentStatement':
        return node;
      case 'MustacheStatement':
        return this.mustache(node as hbs.AST.MustacheStatement, scope);
      case 'BlockStatement':
        return this.block(node as hbs.AST.BlockStatement, scope);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        this.problem(
          'template.partial',
          'partials ({{> name}}) are not supported: a template is self-contained',
          node.loc,
        );
        return node;
      case 'Decorator':
      case 'DecoratorBlock':
        this.problem('template.decorator', 'decorators ({{* name}}) are not supported', node.loc);
        return node;
      default:
        this.problem('template.syntax', `unsupported template construct ${node.type}`, node.loc);
        return node;
    }
  }

  private content(node: hbs.AST.ContentStatement): hbs.AST.Statement {
    const { value, lead } = contentText(node);
    if (value === '') return node;
    const original = (node as unknown as { original: string }).original;
    const start = advance(node.loc.start, typeof original === 'string' ? original.slice(0, lead) : '');
    node.value = markFor(this.out.contents.push(start) - 1) + value;
    return node;
  }

  private mustache(node: hbs.AST.MustacheStatement, scope: Scope): hbs.AST.Statement {
    if (!node.escaped) {
      const message =
        'triple-stash {{{...}}} and {{&...}} are not allowed: values are always inserted as data, never as YAML text; use {{...}}';
      this.problem('template.triple-stash', message, node.loc);
      return node;
    }
    const path = node.path;
    const args = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
    let expr: hbs.AST.Expression;
    if (!isPath(path)) {
      if (args) this.problem('template.unknown-helper', `${this.text(path.loc)} is not a helper`, path.loc);
      expr = path;
    } else if (args || (isSimpleName(path) && HELPERS.has(path.parts[0]!))) {
      expr = this.call(path, node.params, node.hash, node.loc, scope).node;
    } else {
      expr = this.lookup(path, scope, true).node;
    }
    const id = this.out.emits.push({ pos: this.pos(node.loc), text: this.text(node.loc) }) - 1;
    return mustache(EMIT, [numberNode(id, node.loc), expr], node.loc);
  }

  private expression(node: hbs.AST.Expression, scope: Scope, strict: boolean): Expr {
    if (node.type === 'PathExpression') return this.lookup(node as hbs.AST.PathExpression, scope, strict);
    if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      return this.call(sub.path, sub.params, sub.hash, sub.loc, scope);
    }
    return { node };
  }

  private call(
    path: hbs.AST.PathExpression,
    params: hbs.AST.Expression[],
    hash: hbs.AST.Hash | undefined,
    loc: hbs.AST.SourceLocation,
    scope: Scope,
  ): Expr {
    const name = path.parts[0] ?? '';
    const def = isSimpleName(path) ? HELPERS.get(name) : undefined;
    if (!def) {
      const message = BLOCK_HELPERS.has(name)
        ? `${name} is a block helper: write {{#${name} ...}}...{{/${name}}}`
        : `unknown helper ${path.original}`;
      this.problem('template.unknown-helper', message, path.loc);
    } else if (params.length < def.min || params.length > def.max) {
      const wanted =
        def.min === def.max
          ? `${def.min}`
          : def.max === Infinity
            ? `at least ${def.min}`
            : `${def.min} to ${def.max}`;
      const message = `${name} takes ${wanted} argument${wanted === '1' ? '' : 's'}, got ${params.length}: ${def.usage}`;
      this.problem('template.helper-arity', message, loc);
    }
    for (const pair of hash?.pairs ?? []) {
      if (def && def.hash !== 'any' && !(def.hash ?? []).includes(pair.key)) {
        this.problem('template.helper-argument', `${name} does not take ${pair.key}=`, pair.loc);
      }
    }
    const args = params.map((param, i) => this.expression(param, scope, !def || !isTolerant(def, i)));
    const pairs = (hash?.pairs ?? []).map((pair) => ({
      ...pair,
      value: this.expression(pair.value, scope, true).node,
    }));
    const site: CallSite = {
      helper: name,
      pos: this.pos(loc),
      argPaths: args.map((arg, i) => (params[i]?.type === 'PathExpression' ? arg.abs : undefined)),
      argTexts: params.map((param) => this.text(param.loc)),
    };
    const id = this.out.calls.push(site) - 1;
    const node = subExpression(
      CALL,
      [numberNode(id, loc), ...args.map((a) => a.node)],
      hashNode(pairs, loc),
      loc,
    );
    return { node };
  }

  private lookup(path: hbs.AST.PathExpression, scope: Scope, strict: boolean): Expr {
    const loc = path.loc;
    let base: hbs.AST.PathExpression;
    let parts: string[];
    let abs: string[] | undefined;
    const first = path.parts[0] ?? '';
    const param = !path.data && path.depth === 0 && !isScoped(path) ? findParam(scope, first) : undefined;
    if (path.data) {
      if (!DATA_VARIABLES.has(first)) {
        const message = `@${first} is not available: use @index, @key, @first, @last or @root`;
        this.problem('template.unknown-variable', message, loc);
      }
      base = pathNode([first], `@${first}`, loc, { data: true, depth: path.depth });
      parts = path.parts.slice(1);
      abs = first === 'root' ? parts : undefined;
    } else if (param) {
      base = pathNode([first], first, loc);
      parts = path.parts.slice(1);
      abs = param.abs && [...param.abs, ...parts];
    } else {
      const index = scope.contexts.length - 1 - path.depth;
      if (index < 0)
        this.problem('template.bad-depth', `${path.original} goes above the top of the template`, loc);
      base = pathNode([], path.depth > 0 ? '..' : 'this', loc, { depth: path.depth });
      parts = path.parts;
      const context = scope.contexts[index];
      abs = context && [...context, ...parts];
    }
    const pos = this.pos(loc);
    if (abs) this.out.refs.push({ path: abs, line: pos.line, column: pos.column });
    const id = this.out.lookups.push({ parts, abs, text: path.original, strict, pos }) - 1;
    return { node: subExpression(GET, [base, numberNode(id, loc)], undefined, loc), abs };
  }

  private block(node: hbs.AST.BlockStatement, scope: Scope): hbs.AST.Statement {
    const name = isSimpleName(node.path) ? (node.path.parts[0] ?? '') : '';
    const allowedHash = BLOCK_HELPERS.get(name);
    node.openStrip = noStrip();
    node.closeStrip = noStrip();
    if (node.inverseStrip) node.inverseStrip = noStrip();
    if (!allowedHash) {
      const message = HELPERS.has(name)
        ? `${name} is not a block helper: write {{${name} ...}}`
        : `unknown block helper #${node.path.original}: use #if, #unless, #each or #with`;
      this.problem('template.unknown-helper', message, node.path.loc);
      this.program(node.program, scope);
      this.program(node.inverse, scope);
      return node;
    }
    if (node.params.length !== 1) {
      this.problem('template.helper-arity', `#${name} takes 1 argument, got ${node.params.length}`, node.loc);
    }
    for (const pair of node.hash?.pairs ?? []) {
      if (!allowedHash.includes(pair.key))
        this.problem('template.helper-argument', `#${name} does not take ${pair.key}=`, pair.loc);
    }
    const subject: Partial<Expr> = node.params[0] ? this.expression(node.params[0], scope, false) : {};
    node.params = subject.node ? [subject.node] : [];
    if (node.hash) {
      node.hash = hashNode(
        node.hash.pairs.map((pair) => ({ ...pair, value: this.expression(pair.value, scope, true).node })),
        node.hash.loc,
      );
    }
    this.program(node.program, this.innerScope(name, subject.abs, node.program?.blockParams ?? [], scope));
    this.program(node.inverse, scope);
    return node;
  }

  private innerScope(name: string, abs: string[] | undefined, blockParams: string[], scope: Scope): Scope {
    if (name === 'if' || name === 'unless') return scope;
    let context = abs;
    if (name === 'each' && abs) {
      context = [...abs, this.opts.collectionKind?.(abs) === 'object' ? ANY_VALUE : ANY_ITEM];
    }
    const params = new Map<string, BlockParam>();
    blockParams.forEach((param, i) => params.set(param, { abs: i === 0 ? context : undefined }));
    return { contexts: [...scope.contexts, context], params: [...scope.params, params] };
  }
}

function isPath(node: hbs.AST.PathExpression | hbs.AST.Literal): node is hbs.AST.PathExpression {
  return node.type === 'PathExpression';
}

/** Innermost block parameter called `name`, as Handlebars resolves it. */
function findParam(scope: Scope, name: string): BlockParam | undefined {
  for (let i = scope.params.length - 1; i >= 0; i--) {
    const param = scope.params[i]?.get(name);
    if (param) return param;
  }
  return undefined;
}
