/**
 * Example environment files (`.env.example`, `.env.sample`, ...): variable names, and connection URLs
 * that reveal data services. Values are never copied into the report. Also Prisma's datasource.
 */
import { dataServiceForUrl } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { baseName, matchAll } from '../evidence.ts';
import type { Detector } from './context.ts';

const EXAMPLES = [
  '.env.example',
  '.env.sample',
  '.env.template',
  '.env.dist',
  '.env.defaults',
  'example.env',
];
const PRISMA = { postgresql: 'postgresql', mysql: 'mysql', mongodb: 'mongodb' } as const;

export const envFilesDetector: Detector = {
  id: 'env-files',
  claims: () => false,
  async detect(ctx) {
    for (const file of ctx.files.filter((f) => EXAMPLES.includes(baseName(f)))) {
      const idx = await ctx.tree.text(file);
      if (!idx) continue;
      for (const m of matchAll(idx, /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/m)) {
        const name = m.groups[1]!;
        const value = m.groups[2]!.trim().replace(/^["']|["']$/g, '');
        const evidence = idx.evidence(file, m.line);
        ctx.draft.addEnv(name, 'env-example', 'high', evidence);
        const kind = dataServiceForUrl(value);
        if (kind) ctx.draft.addDep(kind, name, 'medium', `connection URL in ${baseName(file)}`, [evidence]);
        if (name === 'PORT' && /^\d{2,5}$/.test(value)) {
          ctx.draft.port.push({
            value: Number(value),
            confidence: 'medium',
            reason: `PORT in ${baseName(file)}`,
            evidence: [evidence],
            priority: PRIORITY.config,
          });
        }
      }
    }
    for (const file of ctx.files.filter((f) => f.endsWith('.prisma'))) {
      const idx = await ctx.tree.text(file, true);
      if (!idx) continue;
      for (const m of matchAll(idx, /^\s*provider\s*=\s*"(postgresql|mysql|mongodb)"/m)) {
        const kind = PRISMA[m.groups[1] as keyof typeof PRISMA];
        ctx.draft.addDep(kind, 'prisma', 'high', 'Prisma datasource provider', [idx.evidence(file, m.line)]);
      }
      for (const m of matchAll(idx, /env\(\s*"([A-Z_][A-Z0-9_]*)"\s*\)/))
        ctx.draft.addEnv(m.groups[1]!, 'config', 'high', idx.evidence(file, m.line));
    }
  },
};
