/**
 * A kubeconfig as kubify reads it. Field names follow `@kubernetes/client-node` (`caData`, `certFile`,
 * `skipTLSVerify`, ...) so code written against its `KubeConfig` getters keeps working; file paths are
 * already absolute (resolved against the kubeconfig file that named them).
 */

export interface KubeCluster {
  name: string;
  /** `https://host:port[/prefix]`; empty when the kubeconfig names none (an error on use). */
  server: string;
  /** `certificate-authority-data`: base64 PEM. Wins over `caFile`. */
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  /** Read but not supported: a cluster with a proxy is an error on use. */
  proxyUrl?: string;
  /** `extensions[name=client.authentication.k8s.io/exec].extension`, for `provideClusterInfo` plugins. */
  execExtension?: unknown;
}

export interface ExecEnvVar {
  name: string;
  value: string;
}

/** `users[].user.exec`: a client-go credential plugin. */
export interface ExecConfig {
  command: string;
  args: string[];
  env: ExecEnvVar[];
  /** `client.authentication.k8s.io/v1` or `/v1beta1`. */
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  /** `Never`, `IfAvailable` or `Always`; kubify never has a terminal, so `Always` fails. */
  interactiveMode?: string;
}

/** Legacy `auth-provider` (gcp, azure, oidc): handled by `@kubernetes/client-node`, loaded on demand. */
export interface AuthProviderConfig {
  name: string;
  config: Record<string, unknown>;
}

export interface KubeUser {
  name: string;
  /** base64 PEM; wins over `certFile`. */
  certData?: string;
  certFile?: string;
  keyData?: string;
  keyFile?: string;
  /** Wins over `tokenFile`. */
  token?: string;
  /** Re-read periodically (projected service-account tokens rotate). */
  tokenFile?: string;
  username?: string;
  password?: string;
  /** `as`: Impersonate-User. */
  impersonateUser?: string;
  /** `as-uid`: Impersonate-Uid. */
  impersonateUid?: string;
  /** `as-groups`: one Impersonate-Group header each. */
  impersonateGroups?: string[];
  /** `as-user-extra`: Impersonate-Extra-<key> headers. */
  impersonateExtra?: Record<string, string[]>;
  exec?: ExecConfig;
  authProvider?: AuthProviderConfig;
}

export interface KubeContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

/** One parsed kubeconfig file (or several merged). */
export interface KubeConfigContent {
  clusters: KubeCluster[];
  users: KubeUser[];
  contexts: KubeContext[];
  /** Empty when none is set. */
  currentContext: string;
}
