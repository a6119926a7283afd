/**
 * Prints a trace (see trace-tree.ts) as a table, a wide table, JSON, YAML or a Graphviz digraph. Pure:
 * the same trace always prints the same text, which is what the golden files hold.
 */
import type { Style } from '../color.ts';
import { UsageError } from '../context.ts';
import { toYamlDocument } from '../output.ts';
import type { Trace, TraceNode, Tri } from './trace-tree.ts';

export type TraceFormat = 'table' | 'wide' | 'json' | 'yaml' | 'dot';
export const TRACE_FORMATS: readonly TraceFormat[] = ['table', 'wide', 'json', 'yaml', 'dot'];

/** STATUS is cut to this many characters in the default table (`-o wide` prints it whole). */
const STATUS_WIDTH = 72;

const plainStyle: Style = {
  red: (t) => t,
  yellow: (t) => t,
  green: (t) => t,
  bold: (t) => t,
  dim: (t) => t,
};

export function parseTraceFormat(value: string): TraceFormat {
  if ((TRACE_FORMATS as readonly string[]).includes(value)) return value as TraceFormat;
  throw new UsageError(`unknown output format "${value}": use one of ${TRACE_FORMATS.join(', ')}`);
}

export function formatTrace(trace: Trace, format: TraceFormat, style: Style = plainStyle): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(toData(trace), null, 2)}\n`;
    case 'yaml':
      return toYamlDocument(toData(trace));
    case 'dot':
      return toDot(trace.root);
    default:
      return toTable(trace, format === 'wide', style);
  }
}

function label(node: TraceNode, root = false): string {
  const ns = root && node.namespace !== undefined ? ` (${node.namespace})` : '';
  const id = node.resourceId !== undefined ? ` [${node.resourceId}]` : '';
  return `${node.kind}/${node.name}${ns}${id}`;
}

interface Row {
  name: string;
  node: TraceNode;
}

function rows(node: TraceNode, prefix: string, childPrefix: string, out: Row[]): void {
  out.push({ name: `${prefix}${label(node, prefix === '')}`, node });
  node.children.forEach((child, i) => {
    const last = i === node.children.length - 1;
    rows(child, `${childPrefix}${last ? '└─ ' : '├─ '}`, `${childPrefix}${last ? '   ' : '│  '}`, out);
  });
}

function cut(text: string, width: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > width ? `${oneLine.slice(0, width - 3)}...` : oneLine;
}

function colour(value: Tri, style: Style): (text: string) => string {
  if (value === 'True') return (t) => style.green(t);
  if (value === 'False') return (t) => style.red(t);
  if (value === 'Unknown') return (t) => style.yellow(t);
  return (t) => t;
}

function toTable(trace: Trace, wide: boolean, style: Style): string {
  const all: Row[] = [];
  rows(trace.root, '', '', all);
  const header = wide
    ? ['NAME', 'API VERSION', 'SYNCED', 'READY', 'STATUS']
    : ['NAME', 'SYNCED', 'READY', 'STATUS'];
  const cells = all.map(({ name, node }) => {
    const status = wide ? node.status.replace(/\s*\n\s*/g, ' ') : cut(node.status, STATUS_WIDTH);
    return wide
      ? [name, node.apiVersion, node.synced, node.ready, status]
      : [name, node.synced, node.ready, status];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => [...(c[i] ?? '')].length)));
  const pad = (text: string, i: number): string => text + ' '.repeat((widths[i] ?? 0) - [...text].length);
  const lines = [header.map((h, i) => (i === header.length - 1 ? h : pad(h, i))).join('   ')];
  all.forEach(({ node }, r) => {
    const row = cells[r] ?? [];
    const syncedAt = wide ? 2 : 1;
    lines.push(
      row
        .map((text, i) => {
          const padded = i === row.length - 1 ? text : pad(text, i);
          if (i === syncedAt) return colour(node.synced, style)(padded);
          if (i === syncedAt + 1) return colour(node.ready, style)(padded);
          return padded;
        })
        .join('   '),
    );
  });
  if (trace.blocking.length > 0) {
    lines.push('');
    for (const node of trace.blocking) {
      const status = wide ? node.status : cut(node.status, STATUS_WIDTH * 2);
      lines.push(`${style.bold('Blocked by')} ${label(node)}: ${status}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

interface NodeData {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  resourceId?: string;
  synced: Tri;
  ready: Tri;
  status: string;
  children?: NodeData[];
}

function nodeData(node: TraceNode): NodeData {
  const { children, ...rest } = node;
  return children.length > 0 ? { ...rest, children: children.map(nodeData) } : rest;
}

function toData(trace: Trace): Record<string, unknown> {
  return {
    root: nodeData(trace.root),
    blocking: trace.blocking.map((n) => ({
      kind: n.kind,
      name: n.name,
      ...(n.resourceId !== undefined ? { resourceId: n.resourceId } : {}),
      status: n.status,
    })),
  };
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function toDot(root: TraceNode): string {
  const lines = ['digraph trace {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled"];'];
  let next = 0;
  const visit = (node: TraceNode): string => {
    const id = `n${next++}`;
    const root = id === 'n0';
    const fill = node.ready === 'True' ? '#d4edda' : node.ready === 'False' ? '#f8d7da' : '#fff3cd';
    const text = `${label(node, root)}\nsynced=${node.synced} ready=${node.ready}\n${cut(node.status, 60)}`;
    lines.push(`  ${id} [label=${quote(text)}, fillcolor="${fill}"];`);
    for (const child of node.children) lines.push(`  ${id} -> ${visit(child)};`);
    return id;
  };
  visit(root);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
