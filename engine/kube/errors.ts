import type { KubeStatus } from './types.ts';

/** What the request was, for error messages and accounting. */
export interface RequestContext {
  verb: string;
  /** `deployments.apps`, `configmaps`, `rayservices.ray.io/status`, or a raw path. */
  resource: string;
  namespace?: string;
  name?: string;
}

/** A cause with a field path (`spec.replicas`), from the server's causes or parsed from its message. */
export interface FieldCause {
  field: string;
  reason: string;
  message: string;
}

/**
 * Base of every error the API server (or the way to it) produced. `status` is the HTTP status
 * (0 when no response arrived), `reason` the machine-readable reason (`NotFound`, `Conflict`, ...).
 */
export class KubeError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly causes: FieldCause[];
  readonly request: RequestContext | undefined;
  /** Seconds the server asked us to wait before retrying, when it said so. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    init: {
      status: number;
      reason: string;
      causes?: FieldCause[];
      request?: RequestContext;
      retryAfterSeconds?: number;
      cause?: unknown;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.reason = init.reason;
    this.causes = init.causes ?? [];
    this.request = init.request;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export class NotFoundError extends KubeError {}
/** 409 other than AlreadyExists: a resourceVersion or UID precondition failed, or an apply conflict. */
export class ConflictError extends KubeError {}
export class AlreadyExistsError extends KubeError {}
/** 410: the resourceVersion or continue token is too old; list again. */
export class GoneError extends KubeError {}
export class ForbiddenError extends KubeError {}
export class UnauthorizedError extends KubeError {}
/** 422 (and schema failures of server-side apply): `causes` name the offending fields. */
export class InvalidError extends KubeError {}
export class BadRequestError extends KubeError {}
/** Network errors, timeouts, 429 and 5xx: worth retrying with backoff. */
export class UnavailableError extends KubeError {}
/** The API server does not serve this apiVersion/kind (e.g. its CRD is not installed). */
export class NoMatchError extends KubeError {
  readonly apiVersion: string;
  readonly kind: string;
  constructor(apiVersion: string, kind: string, detail: string) {
    super(`${kind} ${apiVersion} is not installed: ${detail}`, { status: 404, reason: 'NoMatch' });
    this.apiVersion = apiVersion;
    this.kind = kind;
  }
}

export const isNotFound = (e: unknown): e is NotFoundError => e instanceof NotFoundError;
export const isConflict = (e: unknown): e is ConflictError => e instanceof ConflictError;
export const isAlreadyExists = (e: unknown): e is AlreadyExistsError => e instanceof AlreadyExistsError;
export const isGone = (e: unknown): e is GoneError => e instanceof GoneError;
/**
 * No response because nobody was listening (ECONNREFUSED): the API server is down or restarting. Such
 * a failure costs the server nothing, unlike a timeout or a 5xx.
 */
export const isConnectionRefused = (e: unknown): boolean =>
  e instanceof UnavailableError &&
  e.status === 0 &&
  (e.cause as { code?: unknown } | undefined)?.code === 'ECONNREFUSED';
export const isForbidden = (e: unknown): e is ForbiddenError => e instanceof ForbiddenError;
export const isInvalid = (e: unknown): e is InvalidError => e instanceof InvalidError;
export const isUnavailable = (e: unknown): e is UnavailableError => e instanceof UnavailableError;
export const isNoMatch = (e: unknown): e is NoMatchError => e instanceof NoMatchError;

/** `.spec.bogus: field not declared in schema` lines inside an apply error message. */
const FIELD_LINE = /(?:^|[\s:(])\.((?:[A-Za-z0-9_$-]|\.|\[[^\]]*\])+): ([^\n]+)/g;

/** Server-side apply reports schema errors as 500 "failed to create typed patch object". */
function isTypedPatchFailure(message: string): boolean {
  return /failed to create typed (patch )?object|field not declared in schema|strict decoding error/.test(
    message,
  );
}

function parseCauses(status: KubeStatus): FieldCause[] {
  const out: FieldCause[] = [];
  for (const c of status.details?.causes ?? []) {
    out.push({ field: c.field ?? '', reason: c.reason ?? '', message: c.message ?? '' });
  }
  if (out.length > 0) return out;
  const message = status.message ?? '';
  for (const m of message.matchAll(FIELD_LINE)) {
    out.push({ field: m[1] ?? '', reason: 'FieldValueInvalid', message: (m[2] ?? '').trim() });
  }
  const unknown = /unknown field "([^"]+)"/g;
  for (const m of message.matchAll(unknown)) {
    out.push({ field: m[1] ?? '', reason: 'FieldValueUnknown', message: `unknown field "${m[1] ?? ''}"` });
  }
  return out;
}

/** Parses a response body as a Status, tolerating HTML or empty bodies from proxies. */
export function parseStatus(body: string): KubeStatus {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') return parsed;
  } catch {
    // not JSON: fall through
  }
  return { message: body.trim().slice(0, 500) };
}

function describe(request: RequestContext | undefined): string {
  if (!request) return '';
  const where = [request.namespace, request.name].filter(Boolean).join('/');
  return `${request.verb} ${request.resource}${where ? ` ${where}` : ''}: `;
}

/** Maps an HTTP status and Status body to the matching typed error. */
export function errorFromStatus(
  httpStatus: number,
  status: KubeStatus,
  request?: RequestContext,
  retryAfterHeader?: string,
): KubeError {
  const code = status.code ?? httpStatus;
  const reason = status.reason ?? '';
  const message = status.message ?? `HTTP ${code}`;
  const retryAfter =
    status.details?.retryAfterSeconds ?? (retryAfterHeader ? Number(retryAfterHeader) : undefined);
  const init = {
    status: code,
    reason,
    causes: parseCauses(status),
    request,
    retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
  };
  const text = `${describe(request)}${message}`;
  if (code === 404) return new NotFoundError(text, { ...init, reason: reason || 'NotFound' });
  if (code === 409 && reason === 'AlreadyExists') return new AlreadyExistsError(text, init);
  if (code === 409) return new ConflictError(text, { ...init, reason: reason || 'Conflict' });
  if (code === 410) return new GoneError(text, { ...init, reason: reason || 'Gone' });
  if (code === 403) return new ForbiddenError(text, { ...init, reason: reason || 'Forbidden' });
  if (code === 401) return new UnauthorizedError(text, { ...init, reason: reason || 'Unauthorized' });
  if (code === 422) return new InvalidError(text, { ...init, reason: reason || 'Invalid' });
  if (code === 400) {
    if (isTypedPatchFailure(message)) return new InvalidError(text, { ...init, reason: 'Invalid' });
    return new BadRequestError(text, { ...init, reason: reason || 'BadRequest' });
  }
  if (code === 500 && isTypedPatchFailure(message))
    return new InvalidError(text, { ...init, reason: 'Invalid' });
  if (code === 429 || code === 408 || code >= 500) {
    return new UnavailableError(text, { ...init, reason: reason || 'Unavailable' });
  }
  return new KubeError(text, { ...init, reason: reason || `HTTP${code}` });
}

/** A network-level failure (no HTTP response): always Unavailable. */
export function networkError(err: unknown, request?: RequestContext): UnavailableError {
  const detail = err instanceof Error ? err.message : String(err);
  return new UnavailableError(`${describe(request)}${detail}`, {
    status: 0,
    reason: 'Unavailable',
    request,
    cause: err,
  });
}
