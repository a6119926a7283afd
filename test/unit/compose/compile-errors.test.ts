import { expect } from 'chai';
import type { Problem } from '../../../engine/api/problem.ts';
import type { PackFiles } from '../../../engine/compose/source.ts';
import { BASE_PROPERTIES, columnOf, compileText, compositionYaml, FILE, lineOf } from './support.ts';

interface Case {
  name: string;
  text: string;
  files?: PackFiles;
  /** The first problem, exactly. */
  first: Problem;
  /** How many problems in all (default 1). */
  count?: number;
}

const res = (...resources: string[]): string => resources.join('');
const resource = (id: string, body: string, extra = ''): string => `
    - id: ${id}${extra}
      template: |
${body
  .trim()
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}`;
const cm = (id: string, data = 'x: "1"', extra = ''): string =>
  resource(id, `apiVersion: v1\nkind: ConfigMap\ndata:\n  ${data}`, extra);

const at = (text: string, needle: string, after?: string): { line: number; column: number } => ({
  line: lineOf(text, needle, after),
  column: columnOf(text, needle, after),
});

function cases(): Case[] {
  const list: Case[] = [];
  const add = (
    name: string,
    text: string,
    first: (text: string) => Problem,
    more: Partial<Case> = {},
  ): void => {
    list.push({ name, text, first: first(text), ...more });
  };

  // --- YAML ---
  add(
    'malformed YAML (unclosed flow sequence)',
    'apiVersion: kubify.io/v1alpha1\nkind: Composition\nspec: [a, b\n',
    () => ({
      code: 'yaml.syntax',
      message:
        'Flow sequence in block collection must be sufficiently indented and end with a ] (BAD_INDENT)',
      path: '',
      file: FILE,
      line: 4,
      column: 1,
    }),
  );
  add('duplicate key', 'apiVersion: kubify.io/v1alpha1\nkind: Composition\nkind: Other\n', () => ({
    code: 'yaml.syntax',
    message: 'Map keys must be unique (DUPLICATE_KEY)',
    path: '',
    file: FILE,
    line: 3,
    column: 1,
  }));
  add('two documents', `${compositionYaml()}---\nkind: Other\n`, (t) => ({
    code: 'yaml.multiple-documents',
    message: 'expected one YAML document, found 2; put each composition in its own file',
    path: '',
    file: FILE,
    line: lineOf(t, '---'),
    column: 1,
  }));
  add('empty file', '# nothing here\n', () => ({
    code: 'yaml.empty',
    message: 'the file holds no YAML document',
    path: '',
    file: FILE,
    line: 1,
    column: 1,
  }));
  add(
    'tab indentation',
    'apiVersion: v1\nspec:\n\tapi: 1\n',
    () => ({
      code: 'yaml.syntax',
      message: 'Tabs are not allowed as indentation (TAB_AS_INDENT)',
      path: '',
      file: FILE,
      line: 3,
      column: 1,
    }),
    { count: 1 },
  );

  // --- JSON Schema ---
  add('wrong apiVersion', compositionYaml().replace('kubify.io/v1alpha1', 'kubify.io/v1'), () => ({
    code: 'schema.enum',
    message: 'must be one of "kubify.io/v1alpha1"',
    path: 'apiVersion',
    file: FILE,
    line: 1,
    column: 13,
  }));
  add('missing metadata.name', compositionYaml().replace('  name: demo\n', '  labels: {a: b}\n'), () => ({
    code: 'schema.required',
    message: 'required field "name" is missing',
    path: 'metadata.name',
    file: FILE,
    line: 4,
    column: 3,
  }));
  add(
    'misspelt resource field',
    compositionYaml({ resources: cm('config', 'x: "1"', '\n      readywhen: []') }),
    (t) => ({
      code: 'schema.unknown-field',
      message: 'unknown field "readywhen" (did you mean "readyWhen"?)',
      path: 'spec.resources[0].readywhen',
      file: FILE,
      ...at(t, 'readywhen'),
    }),
  );
  add('resource id with capitals', compositionYaml({ resources: cm('Config') }), (t) => ({
    code: 'schema.pattern',
    message: '"Config" does not match ^[a-z]([-a-z0-9]*[a-z0-9])?$',
    path: 'spec.resources[0].id',
    file: FILE,
    ...at(t, 'Config'),
  }));
  add('no resources', compositionYaml({ resources: ' []' }), (t) => ({
    code: 'schema.minItems',
    message: 'must not have fewer than 1 items',
    path: 'spec.resources',
    file: FILE,
    ...at(t, '[]', 'resources:'),
  }));
  add(
    'unknown deletionPolicy',
    compositionYaml({ resources: cm('config', 'x: "1"', '\n      deletionPolicy: Keep') }),
    (t) => ({
      code: 'schema.enum',
      message: 'must be one of "Delete", "Orphan"',
      path: 'spec.resources[0].deletionPolicy',
      file: FILE,
      ...at(t, 'Keep'),
    }),
  );
  add('unknown scope', compositionYaml({ api: '\n    scope: Global' }), (t) => ({
    code: 'schema.enum',
    message: 'must be one of "Namespaced", "Cluster"',
    path: 'spec.api.scope',
    file: FILE,
    ...at(t, 'Global'),
  }));
  add('bad API version', compositionYaml().replace('version: v1alpha1', 'version: beta'), (t) => ({
    code: 'schema.pattern',
    message: '"beta" does not match ^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$',
    path: 'spec.api.version',
    file: FILE,
    ...at(t, 'beta'),
  }));
  add(
    'readyWhen condition is a number',
    compositionYaml({ resources: cm('config', 'x: "1"', '\n      readyWhen: [{condition: 3}]') }),
    (t) => ({
      code: 'schema.type',
      message: 'must be of type string, got integer',
      path: 'spec.resources[0].readyWhen[0].condition',
      file: FILE,
      ...at(t, '3}]'),
    }),
  );

  // --- rules ---
  add('duplicate resource ids', compositionYaml({ resources: res(cm('config'), cm('config')) }), (t) => ({
    code: 'resource.duplicate-id',
    message: 'duplicate resource id "config" (first used at spec.resources[0])',
    path: 'spec.resources[1].id',
    file: FILE,
    line: lineOf(t, 'id: config', 'kind: ConfigMap'),
    column: 11,
  }));
  add(
    'readyWhen mixing forms',
    compositionYaml({
      resources: cm('config', 'x: "1"', '\n      readyWhen: [{condition: Ready, path: status.phase}]'),
    }),
    (t) => ({
      code: 'ready.invalid',
      message:
        'a readyWhen entry must be exactly one of {condition}, {path, equals}, {path, nonEmpty: true} or {observedGeneration: true}; got {condition, path}',
      path: 'spec.resources[0].readyWhen[0]',
      file: FILE,
      ...at(t, '{condition'),
    }),
  );
  add(
    'readyWhen with a broken path',
    compositionYaml({
      resources: cm('config', 'x: "1"', '\n      readyWhen: [{path: "status..phase", nonEmpty: true}]'),
    }),
    (t) => ({
      code: 'ready.invalid-path',
      message: '"status..phase" is not a path like status.phase or status.items[0].name',
      path: 'spec.resources[0].readyWhen[0].path',
      file: FILE,
      ...at(t, '"status..phase"'),
    }),
  );
  add(
    'dependsOn an unknown resource',
    compositionYaml({ resources: cm('config', 'x: "1"', '\n      dependsOn: [database]') }),
    (t) => ({
      code: 'resource.unknown-dependency',
      message: 'dependsOn names unknown resource "database"; resources are: config',
      path: 'spec.resources[0].dependsOn[0]',
      file: FILE,
      ...at(t, 'database'),
    }),
  );
  add(
    'dependsOn itself',
    compositionYaml({ resources: cm('config', 'x: "1"', '\n      dependsOn: [config]') }),
    (t) => ({
      code: 'resource.self-dependency',
      message: 'resource "config" cannot depend on itself',
      path: 'spec.resources[0].dependsOn[0]',
      file: FILE,
      ...at(t, 'config]'),
    }),
  );
  add(
    'claim schema defines a reserved field',
    compositionYaml({ properties: `${BASE_PROPERTIES}\n        overrides: {type: object}` }),
    (t) => ({
      code: 'api.reserved-field',
      message: 'spec.overrides is reserved: kubify adds it to every claim',
      path: 'spec.api.schema.properties.overrides',
      file: FILE,
      ...at(t, 'overrides:'),
    }),
  );
  add(
    'status projects a reserved field',
    compositionYaml({ tail: '  status:\n    conditions: "{{claim.spec.image}}"\n' }),
    (t) => ({
      code: 'status.reserved-field',
      message: 'status.conditions is reserved: kubify writes it',
      path: 'spec.status.conditions',
      file: FILE,
      ...at(t, 'conditions:'),
    }),
  );
  add(
    'status field missing from statusSchema',
    compositionYaml({
      api: '\n    statusSchema: {type: object, properties: {url: {type: string}}}',
      tail: '  status:\n    endpoint: "{{claim.spec.image}}"\n',
    }),
    (t) => ({
      code: 'status.not-in-schema',
      message: 'status field "endpoint" is not a property of spec.api.statusSchema',
      path: 'spec.status.endpoint',
      file: FILE,
      ...at(t, 'endpoint:'),
    }),
  );
  add(
    'resource without template',
    compositionYaml({ resources: '\n    - id: config\n      deletionPolicy: Orphan' }),
    (t) => ({
      code: 'resource.template-missing',
      message: 'resource "config" needs a template or a templateFile',
      path: 'spec.resources[0]',
      file: FILE,
      ...at(t, 'id: config'),
    }),
  );
  add(
    'templateFile not in the pack',
    compositionYaml({ resources: '\n    - id: config\n      templateFile: templates/config.yaml.hbs' }),
    (t) => ({
      code: 'pack.file-not-found',
      message: 'templateFile "templates/config.yaml.hbs" does not exist in the pack',
      path: 'spec.resources[0].templateFile',
      file: FILE,
      ...at(t, 'templates/config.yaml.hbs'),
    }),
    { files: { 'templates/other.yaml.hbs': 'x: 1' } },
  );
  add(
    'templateFile outside the pack',
    compositionYaml({ resources: '\n    - id: config\n      templateFile: ../secrets.yaml' }),
    (t) => ({
      code: 'pack.unsafe-path',
      message: 'templateFile "../secrets.yaml" must be a relative path inside the pack',
      path: 'spec.resources[0].templateFile',
      file: FILE,
      ...at(t, '../secrets.yaml'),
    }),
    { files: {} },
  );
  add(
    'program file outside its folder',
    compositionYaml({ tail: '  programs:\n    infra:\n      files: {"../x.py": "print(1)"}\n' }),
    (t) => ({
      code: 'program.unsafe-path',
      message: 'program file "../x.py" must be a relative path inside the program',
      path: 'spec.programs.infra.files["../x.py"]',
      file: FILE,
      ...at(t, '"print(1)"'),
    }),
  );

  // --- structural claim schema ---
  add(
    'claim schema property without type',
    compositionYaml({ properties: `${BASE_PROPERTIES}\n        size: {minimum: 1}` }),
    (t) => ({
      code: 'schema.not-structural',
      message: 'every schema must set "type" (or x-kubernetes-preserve-unknown-fields / int-or-string)',
      path: 'spec.api.schema.properties.size',
      file: FILE,
      ...at(t, 'size:'),
    }),
  );
  add(
    'properties next to additionalProperties: false',
    compositionYaml({
      properties: `${BASE_PROPERTIES}\n        db:\n          type: object\n          additionalProperties: false\n          properties: {host: {type: string}}`,
    }),
    (t) => ({
      code: 'schema.not-structural',
      message: '"properties" and "additionalProperties" are mutually exclusive',
      path: 'spec.api.schema.properties.db.additionalProperties',
      file: FILE,
      ...at(t, 'additionalProperties: false'),
    }),
  );
  add(
    '$ref in the claim schema',
    compositionYaml({ properties: `${BASE_PROPERTIES}\n        db: {$ref: "#/definitions/db"}` }),
    (t) => ({
      code: 'schema.not-structural',
      message: 'every schema must set "type" (or x-kubernetes-preserve-unknown-fields / int-or-string)',
      path: 'spec.api.schema.properties.db',
      file: FILE,
      ...at(t, 'db:'),
    }),
    { count: 2 },
  );
  add(
    'default of the wrong type',
    compositionYaml({ properties: `${BASE_PROPERTIES}\n        port: {type: integer, default: http}` }),
    (t) => ({
      code: 'schema.invalid-default',
      message: 'default "http" does not match its schema: must be integer',
      path: 'spec.api.schema.properties.port.default',
      file: FILE,
      ...at(t, 'http}'),
    }),
  );
  add(
    'claim schema of type array',
    compositionYaml().replace(
      '      type: object\n      required',
      '      type: array\n      items: {type: string}\n      required',
    ),
    (t) => ({
      code: 'schema.not-structural',
      message: 'the claim schema must have type "object"',
      path: 'spec.api.schema.type',
      file: FILE,
      ...at(t, 'array'),
    }),
    { count: 2 },
  );

  // --- templates and references ---
  add(
    'templated kind',
    compositionYaml({
      resources: resource('config', 'apiVersion: v1\nkind: {{claim.spec.image}}\ndata: {}'),
    }),
    (t) => ({
      code: 'resource.templated-kind',
      message: 'resource "config": kind must be a constant, not a template expression ({{claim.spec.image}})',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, '{{claim.spec.image}}'),
    }),
  );
  add(
    'kind chosen by #if',
    compositionYaml({
      resources: resource(
        'config',
        'apiVersion: v1\n{{#if claim.spec.expose}}\nkind: Service\n{{else}}\nkind: ConfigMap\n{{/if}}\ndata: {}',
      ),
    }),
    (t) => ({
      code: 'resource.templated-kind',
      message: 'resource "config": kind must be a constant, but the template sets "Service" and "ConfigMap"',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'ConfigMap', 'else'),
    }),
  );
  add(
    'template without apiVersion',
    compositionYaml({ resources: resource('config', 'kind: ConfigMap\ndata: {}') }),
    (t) => ({
      code: 'resource.missing-kind',
      message: 'resource "config": the template must set a top-level apiVersion',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'kind: ConfigMap'),
    }),
  );
  add(
    'unknown claim field',
    compositionYaml({ resources: cm('config', 'image: {{claim.spec.imagee}}') }),
    (t) => ({
      code: 'ref.unknown-claim-path',
      message:
        'claim.spec.imagee is not in the claim schema; known fields: apps, compositionRevision, env, expose, image, overrides, replicas',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'claim.spec.imagee'),
    }),
  );
  add(
    'claim status is not readable',
    compositionYaml({ resources: cm('config', 'x: {{claim.status.ready}}') }),
    (t) => ({
      code: 'ref.unknown-claim-path',
      message:
        'claim.status is not available; templates may read claim.spec, claim.metadata, claim.apiVersion and claim.kind',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'claim.status.ready'),
    }),
  );
  add(
    'list read without an index',
    compositionYaml({ resources: cm('config', 'x: {{claim.spec.apps.name}}') }),
    (t) => ({
      code: 'ref.unknown-claim-path',
      message: 'claim.spec.apps is a list; read its items with #each or an index',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'claim.spec.apps.name'),
    }),
  );
  add(
    'field of a string',
    compositionYaml({ resources: cm('config', 'x: {{claim.spec.image.tag}}') }),
    (t) => ({
      code: 'ref.unknown-claim-path',
      message: 'claim.spec.image is of type string and has no field "tag"',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'claim.spec.image.tag'),
    }),
  );
  add(
    'unknown field inside #each',
    compositionYaml({
      resources: cm('config', 'x: "{{#each claim.spec.apps}}{{nam}}{{/each}}"'),
    }),
    (t) => ({
      code: 'ref.unknown-claim-path',
      message: 'claim.spec.apps[].nam is not in the claim schema; known fields: name',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'nam}}'),
    }),
  );
  add(
    'dangling resource reference',
    compositionYaml({ resources: cm('config', 'x: {{resources.db.status.host}}') }),
    (t) => ({
      code: 'ref.unknown-resource',
      message: 'resources.db.status.host refers to unknown resource "db"; resources are: config',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'resources.db.status.host'),
    }),
  );
  add(
    'resource reading itself',
    compositionYaml({ resources: cm('config', 'x: {{resources.config.data.x}}') }),
    (t) => ({
      code: 'ref.self',
      message: 'resources.config.data.x: resource "config" cannot read its own observed state',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'resources.config.data.x'),
    }),
  );
  add(
    'names of an unknown resource',
    compositionYaml({ resources: cm('config', 'x: {{names.db}}') }),
    (t) => ({
      code: 'ref.unknown-resource',
      message: 'names.db refers to unknown resource "db"; resources are: config',
      path: 'spec.resources[0].template',
      file: FILE,
      ...at(t, 'names.db'),
    }),
  );
  add('unknown variable', compositionYaml({ resources: cm('config', 'x: {{image}}') }), (t) => ({
    code: 'ref.unknown-root',
    message:
      'image is not available; templates read claim.spec.*, claim.metadata.*, resources.<id>.*, names.<id>, programs.<name>.files and composition.name|revision',
    path: 'spec.resources[0].template',
    file: FILE,
    ...at(t, 'image}}'),
  }));
  add(
    'includeWhen reads an unknown claim field',
    compositionYaml({
      resources: cm('config', 'x: "1"', '\n      includeWhen: "{{claim.spec.enabled}}"'),
    }),
    (t) => ({
      code: 'ref.unknown-claim-path',
      message:
        'claim.spec.enabled is not in the claim schema; known fields: apps, compositionRevision, env, expose, image, overrides, replicas',
      path: 'spec.resources[0].includeWhen',
      file: FILE,
      ...at(t, 'claim.spec.enabled'),
    }),
  );
  add(
    'status expression names an unknown resource',
    compositionYaml({ tail: '  status:\n    endpoint: "{{resources.svc.spec.clusterIP}}"\n' }),
    (t) => ({
      code: 'ref.unknown-resource',
      message: 'resources.svc.spec.clusterIP refers to unknown resource "svc"; resources are: config',
      path: 'spec.status.endpoint',
      file: FILE,
      ...at(t, 'resources.svc'),
    }),
  );
  add(
    'two resources reading each other',
    compositionYaml({
      resources: res(cm('a', 'x: {{resources.b.data.x}}'), cm('b', 'x: {{resources.a.data.x}}')),
    }),
    (t) => ({
      code: 'graph.cycle',
      message: 'dependency cycle: a -> b -> a',
      path: 'spec.resources[0].id',
      file: FILE,
      ...at(t, 'id: a'),
      column: 11,
    }),
  );
  add(
    'cycle through dependsOn',
    compositionYaml({
      resources: res(
        cm('a', 'x: "1"', '\n      dependsOn: [c]'),
        cm('b', 'x: {{resources.a.data.x}}'),
        cm('c', 'x: "1"', '\n      dependsOn: [b]'),
      ),
    }),
    (t) => ({
      code: 'graph.cycle',
      message: 'dependency cycle: a -> c -> b -> a',
      path: 'spec.resources[0].id',
      file: FILE,
      ...at(t, 'id: a'),
      column: 11,
    }),
  );
  add(
    'Handlebars syntax error',
    compositionYaml({ resources: cm('config', 'x: {{claim.spec.image}') }),
    (t) => ({
      code: 'template.syntax',
      message: 'template syntax error: unexpected "}"; expected one of }}}}, }}, }}}, (, ), a name, ...',
      path: 'spec.resources[0].template',
      file: FILE,
      line: lineOf(t, '{{claim.spec.image}'),
      column: columnOf(t, '{{claim.spec.image}') + '{{claim.spec.image'.length,
    }),
  );
  add(
    'error inside a template file points into the file',
    compositionYaml({
      resources: '\n    - id: config\n      templateFile: templates/config.yaml.hbs',
    }),
    () => ({
      code: 'ref.unknown-claim-path',
      message:
        'claim.spec.tag is not in the claim schema; known fields: apps, compositionRevision, env, expose, image, overrides, replicas',
      path: 'spec.resources[0].template',
      file: 'templates/config.yaml.hbs',
      line: 4,
      column: 11,
    }),
    {
      files: {
        'templates/config.yaml.hbs': 'apiVersion: v1\nkind: ConfigMap\ndata:\n  tag: "{{claim.spec.tag}}"\n',
      },
    },
  );
  return list;
}

describe('compile: bad input', () => {
  const all = cases();
  it('covers at least 30 distinct bad inputs', () => {
    expect(all.length).to.be.at.least(30);
    expect(new Set(all.map((c) => c.name)).size).to.equal(all.length);
  });
  for (const c of all) {
    it(c.name, () => {
      const result = compileText(c.text, c.files);
      expect(result.compiled, 'must not compile').to.equal(undefined);
      expect(result.problems[0]).to.deep.equal(c.first);
      expect(result.problems, JSON.stringify(result.problems, null, 1)).to.have.length(c.count ?? 1);
    });
  }
});
