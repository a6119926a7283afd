/**
 * Every kubify command, in `--help` order. Adding a command: write `commands/<name>.ts` exporting a
 * `CommandFactory` and add one line here.
 */
import type { CommandFactory } from '../command.ts';
import { crdsCommand } from './crds.ts';
import { renderCommand } from './render.ts';
import { validateCommand } from './validate.ts';

export const commands: readonly CommandFactory[] = [renderCommand, validateCommand, crdsCommand];
