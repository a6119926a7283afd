/**
 * ajv instances configured for kubify: every error, the failing data, OpenAPI/Kubernetes formats, no
 * console output. Pure: building a validator generates code but does no I/O.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../api/openapi-to-json-schema.ts';

const addFormats = addFormatsModule.default;

const INT32 = { min: -2147483648, max: 2147483647 };

export function newAjv(options: { useDefaults?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: false,
    logger: false,
    useDefaults: options.useDefaults ?? false,
    validateFormats: true,
  });
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat('password', true);
  for (const name of ['quantity', 'int-or-string', 'cidr', 'mac', 'bsonobjectid', 'isbn', 'color']) {
    ajv.addFormat(name, true);
  }
  return ajv;
}

/** Compiles `schema`, turning a schema ajv cannot compile into a message instead of an exception. */
export function compileSchema(
  ajv: Ajv,
  schema: JsonSchema,
): { validate: ValidateFunction; error?: undefined } | { validate?: undefined; error: string } {
  try {
    return { validate: ajv.compile(schema) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
