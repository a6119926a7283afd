import type { Document, Node, Scalar } from 'yaml';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { TemplateFailure, problemAt } from './errors.ts';
import type { TemplateProblemCode } from './errors.ts';
import { defineKey, describe, isMap as isPlainMap, textOf } from './helpers/values.ts';
import { formatPath } from './paths.ts';
import { emission, soleToken, spliceText, untokenize, wholeEmission } from './put-back.ts';
import type { RenderState } from './runtime.ts';
import { instantiate, planDocuments } from './plan.ts';
import type { DocumentPlan } from './plan.ts';
import type { TemplateProgram } from './program.ts';
import { tokenPattern } from './tokens.ts';
import type { RenderedText } from './source-map.ts';

/*
 * Parses the rendered text (template text + tokens) as a YAML stream and builds the documents, putting
 * each emitted value back where its token landed:
 * - a plain, untagged scalar that is exactly one token takes the value with its type (number, boolean,
 *   null, map, list; `toYaml` gives its data, `quote` a string);
 * - any other scalar holding tokens (quoted, block, or with surrounding text) and every key takes the
 *   values as text; a map, list or null there is an error;
 * - tokens in comments vanish with the comment; a token used as an anchor, alias or tag is an error.
 * Only the template decides the structure: values never pass through the YAML parser.
 */

const ALIAS_BUDGET = 10_000;

function firstToken(state: RenderState, text: string): string {
  return tokenPattern(state.marker).exec(text)?.[0] ?? '';
}

type Segment = string | number;

class Builder {
  private aliasNodes = 0;

  constructor(
    private readonly state: RenderState,
    private readonly rendered: RenderedText,
    private readonly doc: Document,
  ) {}

  fail(
    code: TemplateProblemCode,
    message: string,
    node: Node | null | undefined,
    path: Segment[],
    at?: string,
  ): never {
    const token = at === undefined ? undefined : soleToken(this.state, firstToken(this.state, at));
    const pos =
      token === undefined ? this.rendered.position(node?.range?.[0] ?? 0) : emission(this.state, token).pos;
    throw new TemplateFailure(problemAt(this.state.program.origin, code, message, pos, formatPath(path)));
  }

  private hasMarker(text: string | undefined): boolean {
    return text !== undefined && text.includes(this.state.marker);
  }

  build(node: Node | null | undefined, path: Segment[], viaAlias = false): unknown {
    if (!node) return null;
    if (viaAlias && ++this.aliasNodes > ALIAS_BUDGET) {
      this.fail('template.yaml', 'invalid YAML after rendering: too many alias expansions', node, path);
    }
    if ('anchor' in node && this.hasMarker(node.anchor)) {
      this.fail(
        'template.token-position',
        'an expression cannot be used as a YAML anchor',
        node,
        path,
        node.anchor,
      );
    }
    if ('tag' in node && this.hasMarker(node.tag)) {
      this.fail(
        'template.token-position',
        'an expression cannot be used as a YAML tag',
        node,
        path,
        node.tag,
      );
    }
    if (isAlias(node)) {
      if (this.hasMarker(node.source)) {
        this.fail(
          'template.token-position',
          'an expression cannot be used as a YAML alias',
          node,
          path,
          node.source,
        );
      }
      const target = node.resolve(this.doc);
      if (!target)
        this.fail('template.yaml', `invalid YAML after rendering: unknown alias *${node.source}`, node, path);
      return this.build(target, path, true);
    }
    if (isScalar(node)) return this.scalar(node, path);
    if (isSeq(node)) return node.items.map((item, i) => this.build(item as Node, [...path, i], viaAlias));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = this.key(keyNode, path);
        if (Object.hasOwn(out, key)) {
          const where = path.length > 0 ? formatPath(path) : 'the document';
          this.fail(
            'template.duplicate-key',
            `key ${JSON.stringify(key)} appears twice in ${where}`,
            keyNode,
            path,
          );
        }
        defineKey(out, key, this.build(pair.value as Node | null, [...path, key], viaAlias));
      }
      return out;
    }
    return this.fail('template.yaml', 'invalid YAML after rendering: unsupported node', node, path);
  }

  private scalar(node: Scalar, path: Segment[]): unknown {
    const value = node.value;
    if (typeof value !== 'string' || !this.hasMarker(value)) return value;
    if (node.type === 'PLAIN' && !node.tag) {
      const n = soleToken(this.state, value);
      if (n !== undefined) return wholeEmission(this.state, n);
    }
    return spliceText(this.state, value, formatPath(path));
  }

  private key(node: Node | null, path: Segment[]): string {
    if (!node) return '';
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return target
        ? this.key(target, path)
        : this.fail('template.yaml', 'invalid YAML after rendering: unknown alias', node, path);
    }
    if (!isScalar(node))
      return this.fail('template.complex-key', 'a map or list cannot be a key', node, path);
    const value = node.value;
    if (typeof value === 'string')
      return this.hasMarker(value) ? spliceText(this.state, value, formatPath(path), true) : value;
    return value === null || value === undefined ? '' : (textOf(value) ?? JSON.stringify(value));
  }
}

/** Put-back plans per program, by rendered text with the marker cut out; `null`: no plan (use `Builder`). */
const PLANS = new WeakMap<TemplateProgram, Map<string, DocumentPlan[] | null>>();
/** Distinct texts remembered per template (different control flow); the least recently used goes first. */
const MAX_PLANS = 32;

/**
 * Builds the documents of a rendered text. The YAML is parsed once per template and control flow (see
 * `plan.ts`); a text that has no plan is parsed and built by `Builder` every time.
 */
export function spliceDocuments(
  rendered: RenderedText,
  state: RenderState,
): { ok: true; documents: Record<string, unknown>[] } {
  let plans = PLANS.get(state.program);
  if (!plans) {
    plans = new Map();
    PLANS.set(state.program, plans);
  }
  const key = rendered.text.replaceAll(state.marker, '\u0000');
  const known = plans.get(key);
  if (known !== undefined) {
    plans.delete(key);
    plans.set(key, known);
    if (known) return { ok: true, documents: instantiate(known, state, rendered) };
    return buildDocuments(parse(rendered), rendered, state);
  }
  const parsed = parse(rendered);
  const plan = planDocuments(parsed, state.marker, rendered.text) ?? null;
  if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value as string);
  plans.set(key, plan);
  if (plan) return { ok: true, documents: instantiate(plan, state, rendered) };
  return buildDocuments(parsed, rendered, state);
}

function parse(rendered: RenderedText): Document.Parsed[] {
  return parseAllDocuments(rendered.text, { prettyErrors: false });
}

/** Parses and builds with `Builder`: every problem, structural or not, in document order. */
function buildDocuments(
  parsed: readonly Document.Parsed[],
  rendered: RenderedText,
  state: RenderState,
): { ok: true; documents: Record<string, unknown>[] } {
  const origin = state.program.origin;
  const documents: Record<string, unknown>[] = [];
  parsed.forEach((doc, index) => {
    const error = doc.errors[0];
    if (error) {
      const message = `invalid YAML after rendering: ${untokenize(state, error.message)}`;
      throw new TemplateFailure(problemAt(origin, 'template.yaml', message, rendered.position(error.pos[0])));
    }
    const contents = doc.contents;
    const value = new Builder(state, rendered, doc).build(contents, []);
    if (value === null || value === undefined) return;
    if (!isPlainMap(value)) {
      const message = `rendered document ${index + 1} is ${describe(value)}, not a mapping`;
      const pos = rendered.position(contents?.range[0] ?? 0);
      throw new TemplateFailure(problemAt(origin, 'template.not-a-mapping', message, pos));
    }
    documents.push(value);
  });
  return { ok: true, documents };
}
