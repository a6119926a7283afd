/**
 * The cluster flags every command that talks to the API server shares (`--kubeconfig`, `--context`,
 * `-n`), and the client they produce. Nothing here imports `@kubernetes/client-node`: engine/kube
 * loads the kubeconfig.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { createKubeClient, loadKubeConfig, silentLogger } from '../../kube/index.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { CliIo } from '../context.ts';
import { CliError } from '../context.ts';
import { absolutePath } from './files.ts';

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

/** Adds `--kubeconfig`, `--context` and `-n, --namespace` (and `-A` when asked) to a command. */
export function withClusterOptions(command: Command, options: { allNamespaces?: boolean } = {}): Command {
  command
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('-n, --namespace <ns>', "namespace (default: the context's namespace, else default)");
  if (options.allNamespaces) command.addOption(new Option('-A, --all-namespaces', 'every namespace'));
  return command;
}

/** A client for the cluster the flags name; errors loading the kubeconfig become one-line CLI errors. */
export function connect(io: CliIo, options: ClusterOptions): KubeClient {
  // Without --kubeconfig, $KUBECONFIG (every path in it, merged as kubectl does) or ~/.kube/config.
  const kubeconfig = options.kubeconfig;
  try {
    const kubeConfig = loadKubeConfig({
      env: io.env,
      ...(kubeconfig ? { kubeconfig: absolutePath(io, kubeconfig) } : {}),
      ...(options.context ? { context: options.context } : {}),
    });
    return createKubeClient({
      kubeConfig,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      maxThrottleRetries: 3,
      logger: silentLogger,
    });
  } catch (error) {
    throw new CliError(`cannot load kubeconfig: ${(error as Error).message}`);
  }
}

/** Runs `work` with a client and always closes it. */
export async function withClient<T>(
  io: CliIo,
  options: ClusterOptions,
  work: (client: KubeClient) => Promise<T>,
): Promise<T> {
  const client = connect(io, options);
  try {
    return await work(client);
  } finally {
    client.close();
  }
}
