/**
 * Property: in every pack under compositions/, no claim value adds keys, documents or objects.
 *
 * For each example claim, every field the claim schema leaves free (a string without enum, pattern,
 * format or length bounds; the keys and values of a string map; an object that preserves unknown fields)
 * is filled with hostile values. The render must produce exactly the objects and keys a render with
 * benign stand-ins produces, with each hostile value back verbatim where its stand-in was (see
 * injection-support.ts).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { OpenApiSchema } from '../../../engine/api/openapi.ts';
import { compile } from '../../../engine/compose/compile.ts';
import type { CompiledComposition } from '../../../engine/compose/compiled.ts';
import { render } from '../../../engine/compose/render.ts';
import type { RenderResult } from '../../../engine/compose/render-types.ts';
import { readPack } from '../../../engine/packs/read-pack.ts';
import { REPO_ROOT } from '../cli/run-cli.ts';
import {
  SEED,
  Values,
  entries,
  expectSameShape,
  hostileMap,
  hostileString,
  newSeen,
  objectOf,
  setOwn,
} from '../compose/template/injection-support.ts';
import type { Seen, Variant } from '../compose/template/injection-support.ts';

const NOW = '2025-01-01T00:00:00Z';
const RUNS_PER_EXAMPLE = 10;

type Schema = OpenApiSchema & Record<string, unknown>;

/** What a claim field becomes: a constant of the example, or a slot for hostile values. */
type Shape =
  | { kind: 'const'; value: unknown }
  | { kind: 'string' }
  | { kind: 'json' }
  | { kind: 'string-map' }
  | { kind: 'list'; items: Shape[] }
  | { kind: 'map'; entries: [string, Shape][] };

/** A shape with its hostile values drawn. */
type Drawn =
  | { kind: 'const'; value: unknown }
  | { kind: 'string'; value: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'list'; items: Drawn[] }
  | { kind: 'map'; entries: [string, Drawn][] };

function isFreeString(schema: Schema | undefined): boolean {
  if (!schema) return false;
  const stringy = schema.type === 'string' || schema['x-kubernetes-int-or-string'] === true;
  return (
    stringy &&
    schema.enum === undefined &&
    schema.pattern === undefined &&
    schema.format === undefined &&
    schema.maxLength === undefined &&
    schema.minLength === undefined
  );
}

function propertySchema(schema: Schema | undefined, key: string): Schema | undefined {
  const props = schema?.properties as Record<string, Schema> | undefined;
  return props?.[key];
}

function shapeOf(schema: Schema | undefined, value: unknown): Shape {
  if (typeof value === 'string') return isFreeString(schema) ? { kind: 'string' } : { kind: 'const', value };
  if (Array.isArray(value)) {
    return { kind: 'list', items: value.map((item) => shapeOf(schema?.items as Schema | undefined, item)) };
  }
  if (typeof value === 'object' && value !== null && schema) {
    if (schema['x-kubernetes-preserve-unknown-fields'] === true) return { kind: 'json' };
    const additional = schema.additionalProperties as Schema | undefined;
    if (!schema.properties && typeof additional === 'object' && isFreeString(additional)) {
      return { kind: 'string-map' };
    }
    const record = value as Record<string, unknown>;
    return {
      kind: 'map',
      entries: Object.keys(record).map((key) => [key, shapeOf(propertySchema(schema, key), record[key])]),
    };
  }
  return { kind: 'const', value };
}

function arbitraryOf(shape: Shape): fc.Arbitrary<Drawn> {
  switch (shape.kind) {
    case 'const':
      return fc.constant(shape);
    case 'string':
      return hostileString.map((value) => ({ kind: 'string', value }));
    case 'json':
      return hostileMap.map((value) => ({ kind: 'json', value }));
    case 'string-map':
      return entries(hostileString, 4).map((e) => ({ kind: 'json', value: objectOf(e) }));
    case 'list':
      return fc.tuple(...shape.items.map(arbitraryOf)).map((items) => ({ kind: 'list', items }));
    case 'map': {
      const keys = shape.entries.map(([key]) => key);
      return fc
        .tuple(...shape.entries.map(([, s]) => arbitraryOf(s)))
        .map((drawn) => ({ kind: 'map', entries: drawn.map((d, i) => [keys[i]!, d]) }));
    }
  }
}

function instantiate(drawn: Drawn, variant: Variant, values: Values): unknown {
  switch (drawn.kind) {
    case 'const':
      return structuredClone(drawn.value);
    case 'string':
      return values.text(drawn.value, variant);
    case 'json':
      return values.json(drawn.value, variant);
    case 'list':
      return drawn.items.map((item) => instantiate(item, variant, values));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of drawn.entries) setOwn(out, key, instantiate(value, variant, values));
      return out;
    }
  }
}

/** Observed objects by resource id: the example's own, else any of the pack's (so dependents render). */
function observedFor(dir: string, example: string): Record<string, unknown> | undefined {
  const observedDir = join(dir, 'observed');
  if (!existsSync(observedDir)) return undefined;
  const files = readdirSync(observedDir).sort();
  const file = files.includes(example) ? example : files[0];
  if (file === undefined) return undefined;
  const docs = parseAllDocuments(readFileSync(join(observedDir, file), 'utf8')).map(
    (d) => d.toJS() as unknown,
  );
  if (docs.length === 1 && isRecord(docs[0]) && !('apiVersion' in docs[0])) return docs[0];
  const out: Record<string, unknown> = {};
  for (const doc of docs) {
    const labels = isRecord(doc) && isRecord(doc.metadata) ? doc.metadata.labels : undefined;
    const id = isRecord(labels) ? labels['kubify.io/resource-id'] : undefined;
    if (typeof id === 'string') out[id] = doc;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fatal(result: RenderResult): unknown[] {
  return result.results.filter((p) => p.severity === 'Fatal');
}

/** The parts of a render result a claim value must not be able to change the structure of. */
function observable(result: RenderResult): unknown {
  return {
    desired: result.desired,
    resources: result.resources.map((r) => ({ ...r, message: r.message })),
    status: result.status,
  };
}

/**
 * Adds every absent free string field of a present object (greedily, keeping it only when the render
 * still succeeds), so fields the example does not set are attacked too.
 */
function enrich(
  compiled: CompiledComposition,
  claim: Record<string, unknown>,
  observed: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const renders = (spec: unknown): boolean =>
    fatal(render({ claim: { ...claim, spec }, compiled, observed, now: NOW })).length === 0;
  const spec = structuredClone(claim.spec ?? {}) as Record<string, unknown>;
  const walk = (schema: Schema | undefined, target: Record<string, unknown>): void => {
    const props = (schema?.properties ?? {}) as Record<string, Schema>;
    for (const key of Object.keys(props)) {
      const sub = props[key];
      if (key === 'overrides') continue;
      const present = target[key];
      if (present === undefined && isFreeString(sub)) {
        target[key] = 'benign';
        if (!renders(spec)) delete target[key];
      } else if (typeof present === 'object' && present !== null && !Array.isArray(present)) {
        walk(sub, present as Record<string, unknown>);
      }
    }
  };
  walk(compiled.specSchema as Schema, spec);
  return { ...claim, spec };
}

function countSlots(shape: Shape): number {
  switch (shape.kind) {
    case 'const':
      return 0;
    case 'list':
      return shape.items.reduce((n, s) => n + countSlots(s), 0);
    case 'map':
      return shape.entries.reduce((n, [, s]) => n + countSlots(s), 0);
    default:
      return 1;
  }
}

const COMPOSITIONS = join(REPO_ROOT, 'compositions');
const packs = readdirSync(COMPOSITIONS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('packs: no claim value adds keys, documents or objects (property)', () => {
  it('covers every pack', () => {
    expect(packs).to.include.members(['app', 'rayservice', 'redis', 'postgresql']);
  });

  for (const pack of packs) {
    describe(`pack ${pack}`, () => {
      let compiled: CompiledComposition;
      before(async () => {
        const result = compile(await readPack(join(COMPOSITIONS, pack)));
        expect(result.problems.filter((p) => p.severity !== 'Warning')).to.deep.equal([]);
        compiled = result.compiled!;
      });

      const examplesDir = join(COMPOSITIONS, pack, 'examples');
      const examples = readdirSync(examplesDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();

      for (const example of examples) {
        it(`${example}: hostile values in every free field keep the structure`, () => {
          const original = parse(readFileSync(join(examplesDir, example), 'utf8')) as Record<string, unknown>;
          const observed = observedFor(examplesDir, example);
          const claim = enrich(compiled, original, observed);
          const shape = shapeOf(compiled.specSchema as Schema, claim.spec);
          const slots = countSlots(shape);
          const seen: Seen = newSeen();
          fc.assert(
            fc.property(arbitraryOf(shape), (drawn) => {
              const variants = (['A', 'B', 'X'] as const).map((variant) => {
                const values = new Values();
                const spec = instantiate(drawn, variant, values);
                return {
                  values,
                  result: render({ claim: { ...claim, spec }, compiled, observed, now: NOW }),
                };
              });
              const [a, b, x] = variants as [
                (typeof variants)[0],
                (typeof variants)[0],
                (typeof variants)[0],
              ];
              expect(JSON.stringify(fatal(a.result)), 'benign render A').to.equal('[]');
              expect(fatal(b.result), 'benign render B').to.deep.equal([]);
              expect(fatal(x.result), 'hostile render').to.deep.equal([]);
              expectSameShape(
                x.values,
                observable(a.result),
                observable(b.result),
                observable(x.result),
                seen,
              );
            }),
            { seed: SEED, numRuns: slots === 0 ? 1 : RUNS_PER_EXAMPLE },
          );
          if (slots > 0)
            expect(seen.verbatim + seen.structured + seen.derived + seen.keys).to.be.greaterThan(0);
        });
      }
    });
  }
});
