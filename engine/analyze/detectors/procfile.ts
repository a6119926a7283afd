/** Procfiles (Heroku, Dokku, foreman): `web` is the start command, the rest are processes. */
import { PRIORITY } from '../draft.ts';
import { matchAll } from '../evidence.ts';
import { addStart } from './code-scan.ts';
import { type Detector, readIn } from './context.ts';

export const procfileDetector: Detector = {
  id: 'procfile',
  claims: (names) => names.includes('Procfile'),
  async detect(ctx) {
    const read = await readIn(ctx, 'Procfile');
    if (!read) return;
    for (const m of matchAll(read.idx, /^([A-Za-z0-9_-]+):[ \t]*(\S.*?)\s*$/m)) {
      const name = m.groups[1]!;
      const command = m.groups[2]!;
      const evidence = read.idx.evidence(read.file, m.line);
      ctx.draft.processes.push({ name, command, evidence: [evidence] });
      if (name === 'web') {
        addStart(ctx, command, {
          confidence: 'high',
          reason: 'Procfile web process',
          evidence,
          priority: PRIORITY.procfile,
        });
      }
    }
  },
};
