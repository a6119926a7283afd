/**
 * `kubify.io/v1alpha1 Composition`: maps one claim API (a CRD kubify generates) to the upstream objects
 * that implement it. A Composition is data: adding an API touches no TypeScript.
 *
 * Every field is documented here; `docs/composition-reference.md` is written from these comments.
 */
import type { OpenApiSchema } from './openapi.ts';

export const KUBIFY_GROUP = 'kubify.io';
export const KUBIFY_VERSION = 'v1alpha1';
export const KUBIFY_API_VERSION = `${KUBIFY_GROUP}/${KUBIFY_VERSION}`;

export interface Composition {
  apiVersion: typeof KUBIFY_API_VERSION;
  kind: 'Composition';
  /** Only `name` matters to kubify; it is the composition's identity (labels, revisions, status). */
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: CompositionSpec;
}

export interface CompositionSpec {
  /** The claim API this composition defines. kubify generates its CRD. */
  api: ClaimApi;
  /**
   * Upstream APIs that must be served before claims can be rendered. A missing API becomes a clear
   * condition on the claim; with `installedBy`, the operator creates an installer claim for it.
   */
  requires?: Requirement[];
  /** The objects composed for each claim. At least one. */
  resources: ResourceSpec[];
  /**
   * Claim status projection: claim `status.<field>` -> expression, e.g.
   * `endpoint: "{{resources.rayservice.status.activeServiceStatus.rayClusterName}}"`. The expression's
   * value keeps its type. A value that is not available yet is omitted.
   */
  status?: Record<string, string>;
  /**
   * Inline Pulumi Python projects, by program name (a DNS label). In a pack folder they live in
   * `programs/<name>/`; the pack reader fills this map. Programs are never templated.
   */
  programs?: Record<string, ProgramSpec>;
  /**
   * How a claim is deleted. `Foreground` (default): kubify's finalizer keeps the claim, reporting
   * `Deleting`, until its composed objects are deleted, dependents first; `kubectl delete --wait` returns
   * when everything is gone. `Background`: no finalizer; the claim goes at once and kubify deletes its
   * composed objects right after (so does the garbage collector, through their owner references), in
   * no particular order, like `kubectl delete deployment`. A claim is never stuck `Terminating`, and a new
   * claim costs one write less. Only for compositions whose resources do not depend on each other.
   * `deletionPolicy: Orphan` resources stay either way.
   */
  deletion?: DeletionMode;
}

export type DeletionMode = 'Foreground' | 'Background';

export type ApiScope = 'Namespaced' | 'Cluster';

export interface ClaimApi {
  /** API group of the claim, a DNS subdomain with at least one dot, e.g. `ml.kubify.io`. */
  group: string;
  /** API version, Kubernetes style: `v1`, `v1alpha1`, `v2beta3`. */
  version: string;
  /** Kind, UpperCamelCase, e.g. `RayService`. */
  kind: string;
  /** Plural resource name. Default: lower-case kind + `s` (`es` after s/x/z/ch/sh, `ies` after consonant+y). */
  plural?: string;
  /** Singular resource name. Default: lower-case kind. */
  singular?: string;
  /** List kind. Default: kind + `List`. */
  listKind?: string;
  /** `Namespaced` (default) or `Cluster`. Objects of a namespaced claim live in the claim's namespace. */
  scope?: ApiScope;
  /** Short names for kubectl, e.g. `[rsvc]`. */
  shortNames?: string[];
  /** kubectl categories. `kubify` is always added, so `kubectl get kubify` lists every claim. */
  categories?: string[];
  /**
   * OpenAPI v3 schema of the claim's `.spec` (type object), structural as Kubernetes requires, with
   * `default`s, `enum`s and bounds. Defaults are applied before rendering. `overrides` and
   * `compositionRevision` are reserved: kubify adds them to every claim.
   */
  schema: OpenApiSchema;
  /**
   * Optional OpenAPI v3 schema (type object) of the projected status fields. Every key of `spec.status`
   * must be one of its properties. Without it, projected fields accept any value.
   */
  statusSchema?: OpenApiSchema;
  /** Extra `kubectl get` columns. kubify adds SYNCED, READY (first) and AGE (last). */
  printerColumns?: PrinterColumn[];
}

export interface PrinterColumn {
  /** Column header. */
  name: string;
  /** `string` (default), `integer`, `number`, `boolean` or `date`. */
  type?: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  /** JSONPath into the claim, e.g. `.spec.image` or `.status.endpoint`. */
  jsonPath: string;
  description?: string;
  /** 0 (default) is shown always, higher only with `-o wide`. */
  priority?: number;
  /** Optional OpenAPI format hint, e.g. `int32`. */
  format?: string;
}

export interface Requirement {
  /** `group/version` of the required API, e.g. `ray.io/v1`. */
  apiVersion: string;
  /** Kind of the required API, e.g. `RayService`. */
  kind: string;
  /**
   * The composition whose claim installs this API (an operator pack, e.g. `kuberay-operator`). When the
   * API is missing, the operator creates that claim (with `claim` as its spec) and waits for the API.
   * `name` names the installer claim (default: the required API's group with dots as dashes, so every
   * composition needing `ray.io` shares one); a namespaced installer kind goes in the operator's namespace.
   * The operator does this only when started with auto-install on (the default; `--auto-install=false`).
   */
  installedBy?: { composition: string; name?: string; claim?: Record<string, unknown> };
}

export type DeletionPolicy = 'Delete' | 'Orphan';

/** Whether a resource may take over an existing object no claim owns. */
export type AdoptionPolicy = 'Never' | 'IfUnmanaged';

export interface ResourceSpec {
  /**
   * Stable key of the resource within the composition (not its `metadata.name`): a DNS label (lower-case
   * letters, digits and `-`, at most 63 characters), unique. Templates refer to it as `resources.<id>` and `names.<id>`.
   */
  id: string;
  /**
   * Inline Handlebars template producing exactly one YAML document. Its `apiVersion` and `kind` must be
   * constants. Values in `{{ }}` are data and can never add keys, documents or objects.
   */
  template?: string;
  /**
   * Path of the template relative to the pack folder, e.g. `templates/rayservice.yaml.hbs`. The pack
   * reader inlines it into `template` and keeps this field as the template's origin, so errors point
   * into the file. Exactly one of `template` and `templateFile` is required in a pack.
   */
  templateFile?: string;
  /** Expression; the resource is composed only when it evaluates to `true`, e.g. `{{claim.spec.dashboard}}`. */
  includeWhen?: string;
  /**
   * All checks must hold for the observed object to be ready. Absent or empty: the object exists.
   */
  readyWhen?: ReadyCheck[];
  /**
   * Any check that holds marks the observed object as failed (not ready, reason `Failed`), with a message
   * taken from the matched condition or from `messagePath`: how an upstream controller's own failure
   * (a Stalled condition, `status.lastUpdate.state: failed`) reaches the claim's conditions.
   */
  failedWhen?: FailureCheck[];
  /** What happens to the object when the claim is deleted: `Delete` (default) or `Orphan` (left in place). */
  deletionPolicy?: DeletionPolicy;
  /**
   * What happens when the object this resource renders already exists and no claim owns it: `Never`
   * (default) refuses it with an `OwnershipConflict` condition; `IfUnmanaged` takes it over. An object
   * another claim owns is never taken over.
   */
  adoption?: AdoptionPolicy;
  /**
   * Resource ids this one waits for (exists and is ready) without reading their data. References in the
   * template (`resources.<id>...`) add dependencies on their own.
   */
  dependsOn?: string[];
}

/**
 * A failure check: a condition with a status (default `"True"`), a path equal to a value, or a non-empty
 * path; `messagePath` names where the failure's message is (default: the condition's reason and message).
 */
export type FailureCheck = (ConditionCheck | EqualsCheck | NonEmptyCheck) & { messagePath?: string };

/** One readiness check on the observed object. Exactly one form per entry. */
export type ReadyCheck = ConditionCheck | EqualsCheck | NonEmptyCheck | ObservedGenerationCheck;

/** `status.conditions[type=<condition>].status` equals `status` (default `"True"`). */
export interface ConditionCheck {
  condition: string;
  status?: 'True' | 'False' | 'Unknown';
}

/** The value at `path` (dot path with `[n]` indices, e.g. `status.phase`) equals `equals`. */
export interface EqualsCheck {
  path: string;
  equals: unknown;
}

/** The value at `path` exists and is not null, `''`, `[]` or `{}`. */
export interface NonEmptyCheck {
  path: string;
  nonEmpty: true;
}

/** `status.observedGeneration` equals `metadata.generation`: the controller has seen the latest spec. */
export interface ObservedGenerationCheck {
  observedGeneration: true;
}

export interface ProgramSpec {
  /** Files of the Pulumi project by relative path (`Pulumi.yaml`, `__main__.py`, ...), as text. */
  files: Record<string, string>;
}
