import { expect } from 'chai';
import type { ValidateFunction } from 'ajv';
import {
  PROGRAM_PATH_PATTERN,
  PROGRAM_SOURCE_LIMITS,
  programSourceCrd,
  programSourceOpenApiSchema,
} from '../../../engine/api/program-source.ts';
import { openApiToJsonSchema } from '../../../engine/api/openapi-to-json-schema.ts';
import { checkStructural } from '../../../engine/compose/structural.ts';
import { emptyPositions } from '../../../engine/compose/positions.ts';
import { newAjv } from '../../../engine/compose/ajv.ts';

const validate: ValidateFunction = newAjv().compile(
  openApiToJsonSchema(programSourceOpenApiSchema, { closed: true }),
);

const files = {
  'Pulumi.yaml': 'name: cluster\nruntime: python\n',
  '__main__.py': 'import pulumi\n',
  'requirements.txt': 'pulumi==3.272.0\n',
};

function object(spec: unknown, status?: unknown): Record<string, unknown> {
  return {
    apiVersion: 'kubify.io/v1alpha1',
    kind: 'ProgramSource',
    metadata: { name: 'prod-cluster-program', namespace: 'team-a' },
    spec,
    ...(status === undefined ? {} : { status }),
  };
}

/** The JSON paths ajv rejects, e.g. `/spec/dir`. */
function rejected(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
}

const artifact = {
  url: 'http://kubify-artifacts.kubify-system.svc:8080/programs/team-a/prod-cluster-program/0123456789abcdef.tar.gz',
  digest: `sha256:${'ab'.repeat(32)}`,
  revision: '0123456789abcdef',
  size: 2048,
  lastUpdateTime: '2026-01-02T03:04:05Z',
  path: 'programs/team-a/prod-cluster-program/0123456789abcdef.tar.gz',
};

describe('api/program-source', () => {
  describe('spec schema', () => {
    it('accepts a program of text files', () => {
      expect(rejected(object({ files }))).to.deep.equal([]);
    });

    it('accepts dir and entrypoint as relative paths', () => {
      const nested = { 'infra/Pulumi.yaml': 'name: x\n', 'infra/__main__.py': '', 'infra/lib/a.py': '' };
      expect(rejected(object({ files: nested, dir: 'infra', entrypoint: '__main__.py' }))).to.deep.equal([]);
    });

    it('requires files, with at least one entry', () => {
      expect(rejected(object({}))).to.include('/spec required');
      expect(rejected(object({ files: {} }))).to.include('/spec/files minProperties');
    });

    it('takes file contents as text only', () => {
      expect(rejected(object({ files: { ...files, 'data.bin': 42 } }))).to.include(
        '/spec/files/data.bin type',
      );
    });

    it('bounds the number of files and the size of one file', () => {
      const many = Object.fromEntries(
        Array.from({ length: PROGRAM_SOURCE_LIMITS.maxFiles + 1 }, (_, i) => [`f${i}.py`, '']),
      );
      expect(rejected(object({ files: many }))).to.include('/spec/files maxProperties');
      const big = 'x'.repeat(PROGRAM_SOURCE_LIMITS.maxFileLength + 1);
      expect(rejected(object({ files: { ...files, 'big.py': big } }))).to.include(
        '/spec/files/big.py maxLength',
      );
    });

    for (const dir of ['/abs', 'infra/', '..', 'a/../b', './infra', 'a//b', 'a\\b', '']) {
      it(`rejects dir ${JSON.stringify(dir)}`, () => {
        expect(rejected(object({ files, dir }))).to.include('/spec/dir pattern');
      });
    }

    it('rejects an entrypoint outside the program', () => {
      expect(rejected(object({ files, entrypoint: '../evil.py' }))).to.include('/spec/entrypoint pattern');
    });

    it('rejects unknown spec fields', () => {
      expect(rejected(object({ files, template: 'x' }))).to.include('/spec additionalProperties');
    });
  });

  describe('status schema (the Flux artifact shape PKO reads)', () => {
    it('accepts an artifact with conditions and observedGeneration', () => {
      const status = {
        artifact,
        observedGeneration: 3,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'ArtifactReady',
            message: 'stored artifact for revision 0123456789abcdef',
            lastTransitionTime: '2026-01-02T03:04:05Z',
            observedGeneration: 3,
          },
        ],
      };
      expect(rejected(object({ files }, status))).to.deep.equal([]);
    });

    it('requires url, digest, revision and lastUpdateTime', () => {
      for (const field of ['url', 'digest', 'revision', 'lastUpdateTime']) {
        const { [field]: _gone, ...rest } = artifact as Record<string, unknown>;
        expect(rejected(object({ files }, { artifact: rest })), field).to.include(
          '/status/artifact required',
        );
      }
    });

    it('takes the digest only as sha256:<64 hex digits>', () => {
      for (const digest of ['ab'.repeat(32), `sha256:${'AB'.repeat(32)}`, `sha512:${'ab'.repeat(32)}`]) {
        expect(rejected(object({ files }, { artifact: { ...artifact, digest } })), digest).to.include(
          '/status/artifact/digest pattern',
        );
      }
    });

    it('takes lastUpdateTime as RFC 3339 and size as a non-negative integer', () => {
      expect(
        rejected(object({ files }, { artifact: { ...artifact, lastUpdateTime: 'yesterday' } })),
      ).to.include('/status/artifact/lastUpdateTime format');
      expect(rejected(object({ files }, { artifact: { ...artifact, size: -1 } }))).to.include(
        '/status/artifact/size minimum',
      );
      expect(rejected(object({ files }, { artifact: { ...artifact, size: '2048' } }))).to.include(
        '/status/artifact/size type',
      );
    });
  });

  describe('CRD', () => {
    const crd = programSourceCrd();
    const version = crd.spec.versions[0]!;

    it('is namespaced kubify.io/v1alpha1 ProgramSource with a status subresource', () => {
      expect(crd.metadata.name).to.equal('programsources.kubify.io');
      expect(crd.spec.group).to.equal('kubify.io');
      expect(crd.spec.scope).to.equal('Namespaced');
      expect(crd.spec.names).to.include({ kind: 'ProgramSource', plural: 'programsources' });
      expect(crd.spec.names.categories).to.include('kubify');
      expect(crd.spec.versions).to.have.length(1);
      expect(version).to.include({ name: 'v1alpha1', served: true, storage: true });
      expect(version.subresources).to.deep.equal({ status: {} });
    });

    it('has a structural schema', () => {
      const problems = checkStructural(version.schema.openAPIV3Schema, [], emptyPositions('crd'), {
        root: 'object',
      });
      expect(problems).to.deep.equal([]);
    });

    it('checks with CEL that Pulumi.yaml is in files (in dir when set)', () => {
      const rules = version.schema.openAPIV3Schema.properties?.spec?.['x-kubernetes-validations'] ?? [];
      expect(rules.map((r) => r.rule)).to.deep.equal([
        "(has(self.dir) ? self.dir + '/Pulumi.yaml' : 'Pulumi.yaml') in self.files",
      ]);
    });

    it('shows readiness and revision in kubectl get', () => {
      expect(version.additionalPrinterColumns?.map((c) => c.name)).to.deep.equal([
        'Ready',
        'Revision',
        'Digest',
        'URL',
        'Age',
      ]);
    });

    it('returns a fresh copy on every call', () => {
      const a = programSourceCrd();
      a.spec.versions[0]!.schema.openAPIV3Schema.properties!.spec!.required = [];
      expect(
        programSourceCrd().spec.versions[0]!.schema.openAPIV3Schema.properties!.spec!.required,
      ).to.deep.equal(['files']);
    });
  });

  it('uses a path pattern Go (RE2) can compile: no lookaround or backreferences', () => {
    expect(PROGRAM_PATH_PATTERN).to.not.match(/\(\?[=!<]|\\[1-9]/);
  });
});
