import { expect } from 'chai';
import type { KubeError } from '../../../engine/kube/errors.ts';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  errorFromStatus,
  ForbiddenError,
  GoneError,
  InvalidError,
  isNotFound,
  networkError,
  NotFoundError,
  parseStatus,
  UnauthorizedError,
  UnavailableError,
} from '../../../engine/kube/errors.ts';

const ctx = { verb: 'apply', resource: 'widgets.test.kubify.io', namespace: 'ns', name: 'w' };

describe('errorFromStatus', () => {
  const cases: [number, string, new (...args: never[]) => KubeError][] = [
    [404, 'NotFound', NotFoundError],
    [409, 'Conflict', ConflictError],
    [409, 'AlreadyExists', AlreadyExistsError],
    [410, 'Expired', GoneError],
    [403, 'Forbidden', ForbiddenError],
    [401, 'Unauthorized', UnauthorizedError],
    [422, 'Invalid', InvalidError],
    [400, 'BadRequest', BadRequestError],
    [429, 'TooManyRequests', UnavailableError],
    [500, 'InternalError', UnavailableError],
    [503, 'ServiceUnavailable', UnavailableError],
    [504, 'Timeout', UnavailableError],
  ];
  for (const [code, reason, cls] of cases) {
    it(`maps ${code} ${reason} to ${cls.name}`, () => {
      const err = errorFromStatus(code, { kind: 'Status', code, reason, message: 'boom' }, ctx);
      expect(err).to.be.instanceOf(cls);
      expect(err.status).to.equal(code);
      expect(err.reason).to.equal(reason);
      expect(err.name).to.equal(cls.name);
      expect(err.message).to.equal('apply widgets.test.kubify.io ns/w: boom');
    });
  }

  it('takes the code from the Status (watch ERROR events arrive with HTTP 200)', () => {
    const err = errorFromStatus(200, {
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 1 (5)',
    });
    expect(err).to.be.instanceOf(GoneError);
  });

  it('maps the 500 of a server-side apply schema failure to Invalid with field causes', () => {
    const message =
      'failed to create typed patch object (ns/w; test.kubify.io/v1, Kind=Widget): .spec.bogus: field not declared in schema';
    const err = errorFromStatus(500, { code: 500, message }, ctx);
    expect(err).to.be.instanceOf(InvalidError);
    expect(err.causes).to.deep.equal([
      { field: 'spec.bogus', reason: 'FieldValueInvalid', message: 'field not declared in schema' },
    ]);
  });

  it('parses several field errors and strict-decoding unknown fields', () => {
    const multi = errorFromStatus(500, {
      code: 500,
      message:
        'failed to create typed patch object (x): errors:\n  .spec.a: field not declared in schema\n  .spec.items[0].b: expected string, got number',
    });
    expect(multi.causes.map((c) => c.field)).to.deep.equal(['spec.a', 'spec.items[0].b']);
    const strict = errorFromStatus(400, {
      code: 400,
      reason: 'BadRequest',
      message: 'strict decoding error: unknown field "spec.colour"',
    });
    expect(strict).to.be.instanceOf(InvalidError);
    expect(strict.causes.map((c) => c.field)).to.include('spec.colour');
  });

  it('keeps the server causes of a 422', () => {
    const err = errorFromStatus(422, {
      code: 422,
      reason: 'Invalid',
      message: 'Widget "w" is invalid',
      details: {
        causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1', field: 'spec.size' }],
      },
    });
    expect(err.causes).to.deep.equal([
      { field: 'spec.size', reason: 'FieldValueInvalid', message: 'Invalid value: -1' },
    ]);
  });

  it('records Retry-After from details or header', () => {
    expect(errorFromStatus(429, { code: 429, details: { retryAfterSeconds: 3 } }).retryAfterSeconds).to.equal(
      3,
    );
    expect(errorFromStatus(429, { code: 429 }, undefined, '7').retryAfterSeconds).to.equal(7);
  });

  it('tolerates bodies that are not Status JSON', () => {
    expect(parseStatus('<html>bad gateway</html>').message).to.equal('<html>bad gateway</html>');
    const err = errorFromStatus(502, parseStatus('<html>bad gateway</html>'));
    expect(err).to.be.instanceOf(UnavailableError);
  });

  it('network errors are Unavailable with status 0 and keep their cause', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const err = networkError(cause, ctx);
    expect(err).to.be.instanceOf(UnavailableError);
    expect(err.status).to.equal(0);
    expect(err.cause).to.equal(cause);
    expect(isNotFound(err)).to.equal(false);
  });
});
