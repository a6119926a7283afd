/**
 * A generated corpus of broken Compositions and claims: mutations of the shipped packs (as the single
 * self-contained Composition `kubify install` applies) and of their example claims, plus hand-written
 * seeds. Every case is data: the file a user would write, what it is (composition or claim), and the code
 * of the error kubify must report. Used by the unit test (every case through `kubify validate`, compile and
 * render) and the integration test (a share of each category on a real API server).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readPack, toCompositionObject } from '../../../engine/packs/index.ts';
import { REPO_ROOT } from '../../unit/cli/run-cli.ts';

export const CATEGORIES = [
  'yaml-syntax',
  'schema',
  'template',
  'unknown-helper',
  'claim-path',
  'cycle',
  'missing-crd',
  'huge',
  'deep',
  'unicode',
] as const;
export type Category = (typeof CATEGORIES)[number];

type Json = Record<string, unknown>;

export interface BadCase {
  /** Unique, kebab-case; also the file name (`<id>.yaml`). */
  id: string;
  category: Category;
  target: 'composition' | 'claim';
  /** The YAML file as the user wrote it. */
  text: string;
  /** Claims: the composition (object) it is rendered with; written as a pack folder by the tests. */
  composition?: Json;
  /** The code of at least one error kubify must report, e.g. /^schema\./. */
  code: RegExp;
  /**
   * `Warning`: kubify only warns (an unknown claim field: the API server prunes or, with kubectl's strict
   * field validation, refuses it); `kubify validate` exits 0 with that warning.
   */
  severity?: 'Warning';
  /** Only a cluster can tell (e.g. an upstream CRD that is not installed): `kubify validate` passes. */
  clusterOnly?: boolean;
  /** The parsed object, when the file is valid YAML (what kubectl would send). */
  object?: Json;
}

export const PACKS_DIR = join(REPO_ROOT, 'compositions');
export const DEEP_LEVELS = 5000;
const MIB = 1024 * 1024;

/** YAML as users write it; too deep for the YAML library's writer: JSON (YAML too), as tools emit it. */
function yaml(value: unknown): string {
  try {
    return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  } catch (error) {
    if (error instanceof RangeError) return `${flatJson(value)}\n`;
    throw error;
  }
}
/** JSON.stringify without recursion (V8's own overflows a few thousand levels down). */
export function flatJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string' && v.startsWith('\u0000raw:')) {
      out.push(v.slice(5));
    } else if (Array.isArray(v)) {
      out.push('[');
      stack.push('\u0000raw:]');
      for (let i = v.length - 1; i >= 0; i -= 1) {
        stack.push(v[i]);
        if (i > 0) stack.push('\u0000raw:,');
      }
    } else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v);
      out.push('{');
      stack.push('\u0000raw:}');
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [k, x] = entries[i] as [string, unknown];
        stack.push(x);
        stack.push(`\u0000raw:${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
      }
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  }
  return out.join('');
}

const clone = <T>(value: T): T => structuredClone(value);

interface Pack {
  name: string;
  composition: Json;
  examples: { name: string; claim: Json }[];
}

async function loadPacks(): Promise<Pack[]> {
  const dirs = readdirSync(PACKS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(PACKS_DIR, e.name))
    .sort();
  const packs: Pack[] = [];
  for (const dir of dirs) {
    const result = toCompositionObject(await readPack(dir));
    if (!result.object) throw new Error(`pack ${dir} does not compile`);
    const examplesDir = join(dir, 'examples');
    const examples = readdirSync(examplesDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({
        name: basename(f, '.yaml'),
        claim: parse(readFileSync(join(examplesDir, f), 'utf8')) as Json,
      }));
    packs.push({ name: basename(dir), composition: result.object as unknown as Json, examples });
  }
  return packs;
}

const specOf = (c: Json): Json => c.spec as Json;
const apiOf = (c: Json): Json => specOf(c).api as Json;
const resourcesOf = (c: Json): Json[] => specOf(c).resources as Json[];
const appendToTemplate = (c: Json, line: string): void => {
  const r = resourcesOf(c)[0] as { template: string };
  r.template = `${r.template.replace(/\n*$/, '\n')}${line}\n`;
};
const configMap = (id: string, data: string): Json => ({
  id,
  template: `apiVersion: v1\nkind: ConfigMap\ndata:\n  ${data}\n`,
});

/** Nested `{a: {a: ... 1}}` `levels` deep, built without recursion. */
export function deepValue(levels: number): Json {
  const root: Json = {};
  let node = root;
  for (let i = 1; i < levels; i += 1) {
    const next: Json = {};
    node.a = next;
    node = next;
  }
  node.a = 1;
  return root;
}

/** A small hand-written composition whose claim schema holds free-form values (seeds for claims). */
export function seedComposition(name: string, extra: Json = {}): Json {
  return {
    apiVersion: 'kubify.io/v1alpha1',
    kind: 'Composition',
    metadata: { name },
    spec: {
      api: {
        group: `${name}.bad.kubify.io`,
        version: 'v1alpha1',
        kind: 'Thing',
        schema: {
          type: 'object',
          properties: {
            color: { type: 'string', default: 'blue', maxLength: 64 },
            size: { type: 'integer', default: 1, minimum: 1, maximum: 10 },
            values: { type: 'object', default: {}, 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
      resources: [
        {
          id: 'config',
          template:
            'apiVersion: v1\nkind: ConfigMap\ndata:\n  color: "{{claim.spec.color}}"\n  values: "{{toJson claim.spec.values}}"\n',
        },
      ],
      ...extra,
    },
  };
}

function claimOf(composition: Json, name: string, spec: Json, namespace = 'default'): Json {
  const api = apiOf(composition);
  const scoped = api.scope === 'Cluster' ? {} : { namespace };
  return {
    apiVersion: `${String(api.group)}/${String(api.version)}`,
    kind: api.kind,
    metadata: { name, ...scoped },
    spec,
  };
}

/** The first claim property of `composition` with a simple type, and a value of the wrong type for it. */
function wrongTypeFor(composition: Json): [string, unknown] {
  const properties = ((apiOf(composition).schema as Json).properties ?? {}) as Record<string, Json>;
  for (const [key, schema] of Object.entries(properties).sort(([a], [b]) => a.localeCompare(b))) {
    if (schema.type === 'string') return [key, { not: ['a', 'string'] }];
    if (schema.type === 'integer' || schema.type === 'number') return [key, 'eleven'];
    if (schema.type === 'boolean') return [key, 'maybe'];
    if (schema.type === 'array') return [key, 'not-a-list'];
  }
  return ['noSuchField', 1];
}

const UNICODE_NAMES: Record<string, string> = {
  rtl: 'app\u202Egnp.exe',
  'zero-width': 'app\u200Bweb',
  confusable: '\u0430pp', // Cyrillic a
  emoji: 'app-\u{1F680}',
  nul: 'app\u0000x',
  'lone-surrogate': 'app\uD800x',
  bom: '\uFEFFapp',
};

export async function badInputCorpus(): Promise<BadCase[]> {
  const packs = await loadPacks();
  const cases: BadCase[] = [];
  const add = (c: Omit<BadCase, 'object'> & { object?: Json }): void => {
    if (cases.some((x) => x.id === c.id)) throw new Error(`duplicate corpus id ${c.id}`);
    cases.push(c);
  };
  const composition = (
    id: string,
    category: Category,
    object: Json,
    code: RegExp,
    clusterOnly = false,
  ): void =>
    add({
      id,
      category,
      target: 'composition',
      text: yaml(object),
      object,
      code,
      ...(clusterOnly ? { clusterOnly } : {}),
    });
  const claim = (
    id: string,
    category: Category,
    comp: Json,
    object: Json,
    code: RegExp,
    clusterOnly = false,
  ): void =>
    add({
      id,
      category,
      target: 'claim',
      text: yaml(object),
      object,
      composition: comp,
      code,
      ...(clusterOnly ? { clusterOnly } : {}),
    });

  for (const pack of packs) {
    const p = pack.name;
    const base = (): Json => clone(pack.composition);
    const text = yaml(pack.composition);
    const lines = text.split('\n');

    // --- YAML syntax (text mutations of the real file) ---
    const insert = (at: number, line: string): string =>
      [...lines.slice(0, at), line, ...lines.slice(at)].join('\n');
    const yamlBreaks: [name: string, at: number, line: string][] = [
      ['unclosed-flow', 4, 'broken: [a, b'],
      ['tab-indent', 5, '\t\tindented: with-tabs'],
      ['duplicate-key', 1, 'kind: Composition'],
      ['unterminated-quote', 3, '  annotations: {a: "unterminated}'],
    ];
    for (const [name, at, line] of yamlBreaks) {
      add({
        id: `${p}-yaml-${name}`,
        category: 'yaml-syntax',
        target: 'composition',
        text: insert(at, line),
        code: /^yaml\./,
      });
    }

    // --- schema violations ---
    let c = base();
    delete apiOf(c).kind;
    composition(`${p}-schema-missing-kind`, 'schema', c, /^schema\./);
    c = base();
    (resourcesOf(c)[0] as Json).id = 'Not_An_Id';
    composition(`${p}-schema-bad-id`, 'schema', c, /^schema\./);
    c = base();
    specOf(c).resourcez = [];
    composition(`${p}-schema-unknown-field`, 'schema', c, /^schema\./);
    c = base();
    apiOf(c).scope = 'Galaxy';
    composition(`${p}-schema-bad-scope`, 'schema', c, /^schema\./);

    // --- template errors ---
    c = base();
    appendToTemplate(c, 'x-broken: "{{#if claim.metadata.name}}unclosed"');
    composition(`${p}-template-unclosed-block`, 'template', c, /^template\./);
    c = base();
    appendToTemplate(c, 'x-broken: "{{claim.metadata.name"');
    composition(`${p}-template-unclosed-mustache`, 'template', c, /^template\./);
    c = base();
    (resourcesOf(c)[0] as Json).template = 'apiVersion: v1\nkind: "{{claim.metadata.name}}"\n';
    composition(`${p}-template-variable-kind`, 'template', c, /^(template|resource)\./);

    // --- unknown helpers ---
    c = base();
    appendToTemplate(c, 'x-broken: "{{frobnicate claim.metadata.name}}"');
    composition(`${p}-unknown-helper`, 'unknown-helper', c, /^template\.unknown-helper$/);
    c = base();
    appendToTemplate(c, 'x-broken: "{{#eachReverse claim.spec}}x{{/eachReverse}}"');
    composition(`${p}-unknown-block-helper`, 'unknown-helper', c, /^template\.unknown-helper$/);

    // --- bad claim paths and references ---
    c = base();
    appendToTemplate(c, 'x-broken: "{{claim.spec.noSuchField}}"');
    composition(`${p}-claim-path-unknown`, 'claim-path', c, /^ref\.unknown-claim-path$/);
    c = base();
    appendToTemplate(c, 'x-broken: "{{resources.noSuchResource.status.x}}"');
    composition(`${p}-claim-path-unknown-resource`, 'claim-path', c, /^ref\.unknown-resource$/);
    c = base();
    specOf(c).status = {
      ...(specOf(c).status ?? {}),
      brokenField: '{{claim.spec.noSuchField}}',
    };
    delete apiOf(c).statusSchema;
    composition(`${p}-claim-path-in-status`, 'claim-path', c, /^ref\.unknown-claim-path$/);

    // --- cycles ---
    c = base();
    resourcesOf(c).push(
      configMap('cycle-a', 'x: "{{resources.cycle-b.data.x}}"'),
      configMap('cycle-b', 'x: "{{resources.cycle-a.data.x}}"'),
    );
    composition(`${p}-cycle-two`, 'cycle', c, /^graph\.cycle$/);
    c = base();
    resourcesOf(c).push(
      { ...configMap('loop-a', 'x: "1"'), dependsOn: ['loop-c'] },
      { ...configMap('loop-b', 'x: "1"'), dependsOn: ['loop-a'] },
      { ...configMap('loop-c', 'x: "1"'), dependsOn: ['loop-b'] },
    );
    composition(`${p}-cycle-dependson`, 'cycle', c, /^graph\.cycle$/);

    // --- odd unicode in names ---
    for (const [what, name] of Object.entries(UNICODE_NAMES)) {
      c = base();
      (c.metadata as Json).name = name;
      composition(`${p}-unicode-name-${what}`, 'unicode', c, /^schema\./);
    }
    c = base();
    (resourcesOf(c)[0] as Json).id = 'config\u200B';
    composition(`${p}-unicode-resource-id`, 'unicode', c, /^schema\./);

    // --- deep: a claim schema property nested thousands of levels ---
    c = base();
    let nested: Json = { type: 'string' };
    for (let i = 0; i < DEEP_LEVELS; i += 1) nested = { type: 'object', properties: { a: nested } };
    ((apiOf(c).schema as Json).properties as Json).deepField = nested;
    composition(`${p}-deep-schema-property`, 'deep', c, /^composition\.too-deep$/);

    // --- claims: mutations of the pack's examples ---
    for (const example of pack.examples) {
      const e = `${p}-${example.name}`;
      const original = (): Json => clone(example.claim);
      const [field, wrong] = wrongTypeFor(pack.composition);
      let k = original();
      (k.spec as Json)[field] = wrong;
      claim(`${e}-claim-wrong-type`, 'schema', pack.composition, k, /^schema\./);
      k = original();
      (k.spec as Json).noSuchField = 'x';
      add({
        id: `${e}-claim-unknown-field`,
        category: 'schema',
        target: 'claim',
        text: yaml(k),
        object: k,
        composition: pack.composition,
        code: /^schema\.unknown-field$/,
        severity: 'Warning',
      });
      const claimText = yaml(example.claim);
      add({
        id: `${e}-claim-yaml`,
        category: 'yaml-syntax',
        target: 'claim',
        text: `${claimText}broken: {a: [1, 2}\n`,
        composition: pack.composition,
        code: /^yaml\./,
      });
    }
    const first = pack.examples[0];
    if (first) {
      for (const [what, name] of Object.entries(UNICODE_NAMES)) {
        const k = clone(first.claim);
        (k.metadata as Json).name = name;
        claim(
          `${p}-claim-unicode-name-${what}`,
          'unicode',
          pack.composition,
          k,
          /^claim\.invalid-(name|text)$/,
        );
      }
      let k = clone(first.claim);
      (k.metadata as Json).name = 'x'.repeat(2 * MIB);
      claim(`${p}-claim-huge-name`, 'huge', pack.composition, k, /^claim\.invalid-name$/);
      if (p === 'kubecost') {
        for (const levels of [200, DEEP_LEVELS]) {
          k = clone(first.claim);
          (k.spec as Json).values = deepValue(levels);
          claim(`${p}-claim-deep-values-${levels}`, 'deep', pack.composition, k, /^claim\.too-deep$/);
        }
      }
      k = clone(first.claim);
      for (let i = 0; i < 3000; i += 1) (k.spec as Json)[`unknown${i}`] = i;
      add({
        id: `${p}-claim-thousands-of-unknown-keys`,
        category: 'huge',
        target: 'claim',
        text: yaml(k),
        object: k,
        composition: pack.composition,
        code: /^schema\.unknown-field$/,
        severity: 'Warning',
      });
    }
  }

  // --- hand-written seeds ---
  const seed = seedComposition('seed');
  const seedClaim = (name: string, spec: Json): Json => claimOf(seed, name, spec);
  claim(
    'seed-claim-huge-string',
    'huge',
    seed,
    seedClaim('huge-string', { color: 'c'.repeat(2 * MIB) }),
    /^schema\.maxLength$/,
  );
  claim(
    'seed-claim-huge-string-unknown-field',
    'huge',
    seed,
    seedClaim('huge-unknown', { colour: 'c'.repeat(2 * MIB), size: 's'.repeat(MIB) }),
    /^schema\.type$/,
  );
  const manyKeys: Json = {};
  for (let i = 0; i < 10_000; i += 1) manyKeys[`k${i}`] = `v${i}`;
  claim(
    'seed-claim-ten-thousand-keys-wrong-type',
    'huge',
    seed,
    seedClaim('many-keys', { values: manyKeys, size: 'big' }),
    /^schema\.type$/,
  );
  claim(
    'seed-claim-deep-values',
    'deep',
    seed,
    seedClaim('deep', { values: deepValue(DEEP_LEVELS) }),
    /^claim\.too-deep$/,
  );
  claim(
    'seed-claim-deep-values-1000',
    'deep',
    seed,
    seedClaim('deep-1000', { values: deepValue(1000) }),
    /^claim\.too-deep$/,
  );
  const deepList: unknown[] = [];
  let list = deepList;
  for (let i = 0; i < DEEP_LEVELS; i += 1) {
    const next: unknown[] = [];
    list.push(next);
    list = next;
  }
  claim(
    'seed-claim-deep-list',
    'deep',
    seed,
    seedClaim('deep-list', { values: { list: deepList } }),
    /^claim\.too-deep$/,
  );
  for (const [what, value] of Object.entries({
    'lone-surrogate': 'x\uDC00y',
    'lone-surrogate-key': undefined,
  })) {
    const spec = value === undefined ? { values: { ['k\uD800']: 1 } } : { color: value };
    claim(
      `seed-claim-unicode-value-${what}`,
      'unicode',
      seed,
      seedClaim(`uni-${what}`, spec),
      /^claim\.invalid-text$/,
    );
  }
  // deep compositions: a claim schema and a template nested thousands of levels
  let schema: Json = { type: 'string' };
  for (let i = 0; i < DEEP_LEVELS; i += 1) schema = { type: 'object', properties: { a: schema } };
  composition(
    'seed-composition-deep-schema',
    'deep',
    seedComposition('deep-schema', { api: { ...apiOf(seed), schema } }),
    /^composition\.too-deep$/,
  );
  composition(
    'seed-composition-deep-template',
    'deep',
    seedComposition('deep-template', {
      resources: [
        {
          id: 'config',
          template: `apiVersion: v1\nkind: ConfigMap\ndata:\n  x: "${'{{#if claim.spec.color}}'.repeat(DEEP_LEVELS)}y${'{{/if}}'.repeat(DEEP_LEVELS)}"\n`,
        },
      ],
    }),
    /^template\.too-deep$/,
  );
  add({
    id: 'seed-composition-deep-flow-yaml',
    category: 'deep',
    target: 'composition',
    text: yaml(seed).replace(
      'metadata:\n',
      `metadata:\n  annotations: ${'{a: '.repeat(DEEP_LEVELS)}1${'}'.repeat(DEEP_LEVELS)}\n`,
    ),
    code: /^yaml\.too-deep$/,
  });
  add({
    id: 'seed-claim-deep-flow-yaml',
    category: 'deep',
    target: 'claim',
    text: yaml(seedClaim('deep-flow', {})).replace(
      /spec: \{\}\n/,
      `spec:\n  values: ${'['.repeat(DEEP_LEVELS)}${']'.repeat(DEEP_LEVELS)}\n`,
    ),
    composition: seed,
    code: /^yaml\.too-deep$/,
  });
  const big = clone(seed);
  apiOf(big).kind = `K${'k'.repeat(2 * MIB)}`;
  composition('seed-composition-huge-kind', 'huge', big, /^schema\./);
  const alias = `${yaml(seed)}x-bomb:\n  a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n${Array.from(
    { length: 8 },
    (_, i) =>
      `  b${i}: &b${i} [${Array(10)
        .fill(i === 0 ? '*a' : `*b${i - 1}`)
        .join(', ')}]`,
  ).join('\n')}\n`;
  add({
    id: 'seed-composition-alias-bomb',
    category: 'huge',
    target: 'composition',
    text: alias,
    code: /^yaml\./,
  });
  add({
    id: 'seed-composition-empty',
    category: 'yaml-syntax',
    target: 'composition',
    text: '# nothing here\n',
    code: /^(yaml|claim)\.empty$/,
  });
  add({
    id: 'seed-composition-two-documents',
    category: 'yaml-syntax',
    target: 'composition',
    text: `${yaml(seed)}---\n${yaml(seed)}`,
    code: /^yaml\.multiple-documents$/,
  });
  add({
    id: 'seed-composition-binary',
    category: 'yaml-syntax',
    target: 'composition',
    text: 'kind: Composition\n\u0000\u0001\u0002\u00ff{{[[',
    code: /^yaml\./,
  });

  // missing upstream CRDs: a composition that requires (and composes) an API no cluster serves
  const missing = seedComposition('missing-crd', {
    requires: [{ apiVersion: 'nothere.bad.kubify.io/v1', kind: 'Nothing' }],
    resources: [
      {
        id: 'nothing',
        template:
          'apiVersion: nothere.bad.kubify.io/v1\nkind: Nothing\nspec:\n  color: "{{claim.spec.color}}"\n',
      },
    ],
  });
  for (const name of ['needs-missing-a', 'needs-missing-b', 'needs-missing-c', 'needs-missing-d'])
    claim(
      `seed-claim-${name}`,
      'missing-crd',
      missing,
      claimOf(missing, name, { color: 'red' }),
      /^(api|requires)\./,
      true,
    );
  const missingUndeclared = seedComposition('missing-undeclared', {
    resources: [
      { id: 'nothing', template: 'apiVersion: nothere.bad.kubify.io/v1\nkind: Undeclared\nmetadata: {}\n' },
    ],
  });
  claim(
    'seed-claim-needs-undeclared-api',
    'missing-crd',
    missingUndeclared,
    claimOf(missingUndeclared, 'needs-undeclared', {}),
    /./,
    true,
  );

  for (const c of cases) {
    if (c.object !== undefined) continue;
    try {
      const value = parse(c.text) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) c.object = value as Json;
    } catch {
      // not YAML: kubectl could not send it either
    }
  }
  return cases;
}

/** `{category: count}` of `cases`, every category present. */
export function countByCategory(cases: readonly BadCase[]): Record<Category, number> {
  const out = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const c of cases) out[c.category] += 1;
  return out;
}
