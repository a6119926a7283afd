import type { Document, Node } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import { TemplateFailure, problemAt } from './errors.ts';
import { defineKey, describe, isMap as isPlainMap, textOf } from './helpers/values.ts';
import { formatPath } from './paths.ts';
import { insertedText, wholeEmission } from './put-back.ts';
import type { RenderState } from './runtime.ts';
import type { RenderedText } from './source-map.ts';
import { tokenPattern } from './tokens.ts';

/*
 * A put-back plan: what `Builder` (splice.ts) does with a parsed rendered text, recorded once so the
 * text need not be parsed again. Rendered texts that differ only in their marker (the same template
 * with the same control flow, e.g. another claim of the same composition) parse to the same structure:
 * a token is a word of one fixed shape (`K` + 12 hex digits + `x<n>x`) that no YAML rule looks into, and
 * the marker occurs nowhere else. So a plan made from one render serves every later render whose text,
 * with the marker cut out, is the same; only the values are put back.
 *
 * Only texts that build without a structural problem get a plan: no YAML error, no token in an anchor,
 * tag or alias, no unknown alias, no complex key, no alias bomb, and every scalar either a string or a
 * primitive whose source holds no token. Anything else is left to `Builder`, which reports the problem
 * exactly as before. The problems that depend on the values (a map spliced into a string, a duplicate
 * key made of values, a document that is not a mapping) are raised while instantiating, in the order
 * `Builder` would raise them.
 */

/** Literal text and emission numbers, in order. */
type Parts = readonly (string | number)[];

export type Plan =
  | { readonly kind: 'value'; readonly value: string | number | boolean | null }
  | { readonly kind: 'whole'; readonly n: number }
  | { readonly kind: 'text'; readonly parts: Parts }
  | { readonly kind: 'seq'; readonly items: readonly Plan[] }
  | { readonly kind: 'map'; readonly entries: readonly Entry[] };

interface Entry {
  /** A fixed key, or the parts of a key made of tokens. */
  readonly key: string | Parts;
  /** Offset of the key in the rendered text (for a duplicate key). */
  readonly keyAt: number;
  readonly value: Plan;
}

export interface DocumentPlan {
  readonly root: Plan;
  /** Offset of the document's contents in the rendered text. */
  readonly at: number;
}

const ALIAS_BUDGET = 10_000;

class NoPlan extends Error {}

class Planner {
  private aliasNodes = 0;
  private readonly whole: RegExp;
  private readonly tokens: RegExp;

  constructor(
    private readonly marker: string,
    private readonly text: string,
    private readonly doc: Document,
  ) {
    this.tokens = tokenPattern(marker);
    this.whole = new RegExp(`^${this.tokens.source}$`);
  }

  private hasMarker(text: string | undefined): boolean {
    return text !== undefined && text.includes(this.marker);
  }

  /** A scalar value that is the same for every marker: a string (tokens become parts) or a primitive. */
  private scalarValue(node: Node & { value: unknown }): string | number | boolean | null {
    const value = node.value;
    const range = node.range;
    const source = range ? this.text.slice(range[0], range[1]) : '';
    if (typeof value === 'string') {
      if (this.hasMarker(source) !== this.hasMarker(value)) throw new NoPlan();
      return value;
    }
    if (this.hasMarker(source)) throw new NoPlan();
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
    throw new NoPlan();
  }

  private parts(value: string): Parts {
    const parts: (string | number)[] = [];
    let last = 0;
    for (const match of value.matchAll(this.tokens)) {
      parts.push(value.slice(last, match.index), Number(match[1]));
      last = match.index + match[0].length;
    }
    parts.push(value.slice(last));
    return parts;
  }

  plan(node: Node | null | undefined, viaAlias = false): Plan {
    if (!node) return { kind: 'value', value: null };
    if (viaAlias && ++this.aliasNodes > ALIAS_BUDGET) throw new NoPlan();
    if ('anchor' in node && this.hasMarker(node.anchor)) throw new NoPlan();
    if ('tag' in node && this.hasMarker(node.tag)) throw new NoPlan();
    if (isAlias(node)) {
      if (this.hasMarker(node.source)) throw new NoPlan();
      const target = node.resolve(this.doc);
      if (!target) throw new NoPlan();
      return this.plan(target, true);
    }
    if (isScalar(node)) {
      const value = this.scalarValue(node);
      if (typeof value !== 'string' || !this.hasMarker(value)) return { kind: 'value', value };
      if (node.type === 'PLAIN' && !node.tag) {
        const match = this.whole.exec(value);
        if (match) return { kind: 'whole', n: Number(match[1]) };
      }
      return { kind: 'text', parts: this.parts(value) };
    }
    if (isSeq(node))
      return { kind: 'seq', items: node.items.map((item) => this.plan(item as Node, viaAlias)) };
    if (isMap(node)) {
      const entries = node.items.map((pair): Entry => {
        const keyNode = pair.key as Node | null;
        return {
          key: this.key(keyNode),
          keyAt: keyNode?.range?.[0] ?? 0,
          value: this.plan(pair.value as Node | null, viaAlias),
        };
      });
      return { kind: 'map', entries };
    }
    throw new NoPlan();
  }

  private key(node: Node | null): string | Parts {
    if (!node) return '';
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) throw new NoPlan();
      return this.key(target);
    }
    if (!isScalar(node)) throw new NoPlan();
    const value = this.scalarValue(node);
    if (typeof value === 'string') return this.hasMarker(value) ? this.parts(value) : value;
    return value === null ? '' : (textOf(value) ?? JSON.stringify(value));
  }
}

/** The plan of parsed documents, or undefined when `Builder` must handle them (see above). */
export function planDocuments(
  docs: readonly Document[],
  marker: string,
  text: string,
): DocumentPlan[] | undefined {
  const plans: DocumentPlan[] = [];
  try {
    for (const doc of docs) {
      if (doc.errors.length > 0) return undefined;
      const contents = doc.contents;
      plans.push({ root: new Planner(marker, text, doc).plan(contents), at: contents?.range?.[0] ?? 0 });
    }
  } catch (err) {
    if (err instanceof NoPlan) return undefined;
    throw err;
  }
  return plans;
}

type Segment = string | number;

/** A path as a chain of links, turned into an array only for a message. */
interface PathLink {
  readonly parent: PathLink | undefined;
  readonly segment: Segment;
}

function segments(link: PathLink | undefined): Segment[] {
  const out: Segment[] = [];
  for (let at = link; at; at = at.parent) out.push(at.segment);
  return out.reverse();
}

class Instance {
  constructor(
    private readonly state: RenderState,
    private readonly rendered: RenderedText,
  ) {}

  private splice(parts: Parts, path: PathLink | undefined, inKey: boolean): string {
    let out = '';
    for (const part of parts) {
      out +=
        typeof part === 'string'
          ? part
          : insertedText(this.state, part, () => formatPath(segments(path)), inKey);
    }
    return out;
  }

  build(plan: Plan, path: PathLink | undefined): unknown {
    switch (plan.kind) {
      case 'value':
        return plan.value;
      case 'whole':
        return wholeEmission(this.state, plan.n);
      case 'text':
        return this.splice(plan.parts, path, false);
      case 'seq':
        return plan.items.map((item, i) => this.build(item, { parent: path, segment: i }));
      case 'map': {
        const out: Record<string, unknown> = {};
        for (const entry of plan.entries) {
          const key = typeof entry.key === 'string' ? entry.key : this.splice(entry.key, path, true);
          if (Object.hasOwn(out, key)) this.duplicate(key, entry.keyAt, path);
          defineKey(out, key, this.build(entry.value, { parent: path, segment: key }));
        }
        return out;
      }
    }
  }

  private duplicate(key: string, at: number, link: PathLink | undefined): never {
    const path = segments(link);
    const where = path.length > 0 ? formatPath(path) : 'the document';
    const message = `key ${JSON.stringify(key)} appears twice in ${where}`;
    const pos = this.rendered.position(at);
    const problem = problemAt(
      this.state.program.origin,
      'template.duplicate-key',
      message,
      pos,
      formatPath(path),
    );
    throw new TemplateFailure(problem);
  }
}

/** The documents of a plan with this render's values put back (empty documents dropped). */
export function instantiate(
  plans: readonly DocumentPlan[],
  state: RenderState,
  rendered: RenderedText,
): Record<string, unknown>[] {
  const instance = new Instance(state, rendered);
  const documents: Record<string, unknown>[] = [];
  plans.forEach((plan, index) => {
    const value = instance.build(plan.root, undefined);
    if (value === null || value === undefined) return;
    if (!isPlainMap(value)) {
      const message = `rendered document ${index + 1} is ${describe(value)}, not a mapping`;
      const problem = problemAt(
        state.program.origin,
        'template.not-a-mapping',
        message,
        rendered.position(plan.at),
      );
      throw new TemplateFailure(problem);
    }
    documents.push(value);
  });
  return documents;
}
