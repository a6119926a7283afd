/**
 * The injection-proof template engine: Handlebars (strict, no HTML escaping) whose `{{expr}}` values are
 * put back into the parsed YAML, so a value can never add keys, documents or objects.
 */
export { compileExpression, compileTemplate } from './compile.ts';
export { evaluateExpression, renderTemplate } from './render.ts';
export { HELPERS } from './helpers/index.ts';
export { TokenSeed } from './tokens.ts';
export { ANY_ITEM, ANY_VALUE, formatPath } from './paths.ts';
export type {
  CompileResult,
  CompiledTemplate,
  EvaluateOutcome,
  PendingData,
  RenderOutcome,
  TemplateContext,
  TemplateOptions,
  TemplateRef,
} from './types.ts';
export type { TemplateProblemCode } from './errors.ts';
