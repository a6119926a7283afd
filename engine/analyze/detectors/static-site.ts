/** Static sites: an index.html with no server code beside it. */
import { PRIORITY } from '../draft.ts';
import { addDefaultPort } from './code-scan.ts';
import { type Detector, readIn } from './context.ts';

export const staticDetector: Detector = {
  id: 'static',
  claims: (names) => names.includes('index.html'),
  async detect(ctx) {
    const { draft } = ctx;
    if (draft.strong) return; // another ecosystem owns this directory
    const page = await readIn(ctx, 'index.html');
    if (!page) return;
    draft.strong = true;
    const line = page.idx.lines.findIndex((l) => /<!doctype html|<html/i.test(l)) + 1 || 1;
    const ev = page.idx.evidence(page.file, line);
    draft.language.push({
      value: 'html',
      confidence: 'high',
      reason: 'index.html',
      evidence: [ev],
      priority: PRIORITY.manifest,
    });
    draft.framework.push({
      value: 'static',
      confidence: 'medium',
      reason: 'index.html without a server',
      evidence: [ev],
      priority: PRIORITY.manifest,
    });
    draft.staticDir.push({
      value: '.',
      confidence: 'medium',
      reason: 'index.html at the top of the directory',
      evidence: [ev],
      priority: PRIORITY.manifest,
    });
    addDefaultPort(ctx, 8080, 'static files served by an unprivileged web server', ev);
  },
};
