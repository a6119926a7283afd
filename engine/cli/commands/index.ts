/**
 * Every kubify command, in `--help` order. Adding a command: write `commands/<name>.ts` exporting a
 * `CommandFactory` and add one line here.
 */
import type { CommandFactory } from '../command.ts';
import { analyzeCommand } from './analyze.ts';
import { auditCommand } from './audit.ts';
import { bootstrapCommand } from './bootstrap.ts';
import { ciCommand } from './ci.ts';
import { completionCommand } from './completion.ts';
import { crdsCommand } from './crds.ts';
import { deleteCommand } from './delete.ts';
import { demoCommand } from './demo.ts';
import { deployCommand } from './deploy.ts';
import { devCommand } from './dev.ts';
import { diffCommand } from './diff.ts';
import { initCommand } from './init.ts';
import { installCommand } from './install.ts';
import { logsCommand } from './logs.ts';
import { operatorCommand } from './operator.ts';
import { packCommand } from './pack.ts';
import { pluginCommand } from './plugin.ts';
import { rbacCommand } from './rbac.ts';
import { renderCommand } from './render.ts';
import { rolloutCommand } from './rollout.ts';
import { traceCommand } from './trace.ts';
import { validateCommand } from './validate.ts';

export const commands: readonly CommandFactory[] = [
  renderCommand,
  validateCommand,
  crdsCommand,
  rbacCommand,
  installCommand,
  operatorCommand,
  demoCommand,
  traceCommand,
  diffCommand,
  rolloutCommand,
  logsCommand,
  auditCommand,
  analyzeCommand,
  initCommand,
  deployCommand,
  deleteCommand,
  bootstrapCommand,
  packCommand,
  ciCommand,
  devCommand,
  completionCommand,
  pluginCommand, // last: it adds the kubify-<name> plugins on the PATH after every built-in
];
