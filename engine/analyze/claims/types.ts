/**
 * Input and output of claim generation: an analysis report -> the kubify claims that launch it (one App per
 * service, a PostgreSQL or Redis claim per data service, the App's build when there is no image).
 */
import type { Confidence, Evidence } from '../types.ts';

/** The label every generated claim carries: the folder it came from (`kubify delete <dir>` selects by it). */
export const SOURCE_LABEL = 'kubify.io/source';

/** The build context of one App shipped as a ConfigMap holding `context.tar.gz` (made by `kubify deploy`). */
export interface BuildContext {
  /** ConfigMap name. */
  configMap: string;
  /** Content digest (hex) of the context: it becomes the image tag, so a changed source is a new build. */
  digest: string;
}

export interface ClaimOptions {
  /** The `kubify.io/source` label value: the analysed folder's name as a DNS label. */
  source: string;
  /** metadata.namespace of every claim; absent: the namespace the claims are applied in. */
  namespace?: string;
  /** `host[:port]/repository` that built images are pushed to. Absent: `DEFAULT_REGISTRY`, recorded as assumed. */
  registry?: string;
  /** Per service name: the image to run instead of building one. */
  images?: Readonly<Record<string, string>>;
  /** Per service name: the listening port (`null`: not a web service). Overrides the analysis. */
  ports?: Readonly<Record<string, number | null>>;
  /** Per service name: the shipped build context (digest-tagged images); absent: tag `latest`. */
  contexts?: Readonly<Record<string, BuildContext>>;
}

/** One generated claim (plain JSON, apply-ready). */
export interface GeneratedClaim {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** What a claim was decided from: for the header of `kubify.yaml` and for `kubify deploy`'s summary. */
export interface Decision {
  /** The service or data claim the decision is about. */
  subject: string;
  message: string;
  /** `assumed`: no evidence, a default; `skipped`: something detected that kubify does not launch. */
  kind: 'evidence' | 'assumed' | 'skipped';
  confidence?: Confidence;
  evidence?: Evidence;
}

/** A Dockerfile kubify generated for a service that has none. */
export interface GeneratedDockerfileFile {
  service: string;
  /** Path relative to the analysed root. */
  path: string;
  content: string;
}

/** What a build needs besides the claim: the context folder to ship (relative to the root). */
export interface BuildPlan {
  service: string;
  /** The App claim's name. */
  app: string;
  /** Build context directory relative to the root (`.` for the root). */
  contextDir: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  /** ConfigMap that carries the context. */
  configMap: string;
  /** A generated Dockerfile to add to the context (and to write, for `kubify init`), when the package has none. */
  generated?: GeneratedDockerfileFile;
}

/** A Secret the claims read that kubify creates (random value) when it does not exist. */
export interface GeneratedSecret {
  name: string;
  key: string;
  /** The claim that needs it. */
  for: string;
}

export interface ClaimSet {
  source: string;
  /** Data services first (PostgreSQL, then Redis), then Apps; each kind sorted by name. */
  claims: GeneratedClaim[];
  builds: BuildPlan[];
  secrets: GeneratedSecret[];
  decisions: Decision[];
  /** Why no claims could be generated (fatal analysis problems, a service that cannot be built). */
  errors: string[];
}
