/** .NET: *.csproj / *.fsproj; ASP.NET Core (Web SDK), appsettings.json Kestrel URLs. */
import { dataServiceForPackage } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { baseName, matchAll } from '../evidence.ts';
import { SCANS, addDefaultPort, addStart, scanCode } from './code-scan.ts';
import { type Detector, readIn } from './context.ts';

const PROJECT = /\.(csproj|fsproj)$/;

export const dotnetDetector: Detector = {
  id: 'dotnet',
  claims: (names) => names.some((n) => PROJECT.test(n)),
  async detect(ctx) {
    const { draft } = ctx;
    const name = ctx.tree
      .filesIn(ctx.dir)
      .filter((n) => PROJECT.test(n))
      .sort()[0];
    const proj = name ? await readIn(ctx, name) : undefined;
    if (!proj || !name) return;
    const { file, idx } = proj;
    const test = /Microsoft\.NET\.Test\.Sdk|<IsTestProject>\s*true/i.test(idx.text);
    const sdk = /<Project\s+Sdk="([^"]+)"/.exec(idx.text)?.[1] ?? '';
    const web = /Microsoft\.NET\.Sdk\.Web/i.test(sdk);
    const exe = /<OutputType>\s*Exe\s*</i.test(idx.text);
    if (test || (!web && !exe)) return; // a test project or a class library: not a service
    draft.strong = true;
    draft.language.push({
      value: 'dotnet',
      confidence: 'high',
      reason: name,
      evidence: [idx.evidence(file, 1)],
      priority: PRIORITY.manifest,
    });
    const assembly = /<AssemblyName>\s*([^<\s]+)\s*</.exec(idx.text)?.[1] ?? name.replace(PROJECT, '');
    draft.names.push({
      value: assembly,
      confidence: 'high',
      reason: 'project name',
      evidence: [idx.evidence(file, 1)],
      priority: PRIORITY.manifest,
    });
    if (web) {
      draft.framework.push({
        value: 'aspnet-core',
        confidence: 'high',
        reason: `SDK ${sdk}`,
        evidence: [idx.evidence(file, 1)],
        priority: PRIORITY.manifest,
      });
    }
    for (const m of matchAll(idx, /<PackageReference\s+Include="([^"]+)"/)) {
      const kind = dataServiceForPackage('nuget', m.groups[1]!);
      if (kind)
        draft.addDep(kind, m.groups[1]!, 'high', `PackageReference ${m.groups[1]!}`, [
          idx.evidence(file, m.line),
        ]);
    }
    await scanCode(ctx, SCANS['dotnet']!);
    const settings = await readIn(ctx, 'appsettings.json');
    if (settings) {
      for (const m of matchAll(settings.idx, /"Urls?"\s*:\s*"https?:\/\/[^":]*:(\d{2,5})/)) {
        draft.port.push({
          value: Number(m.groups[1]),
          confidence: 'high',
          reason: 'Kestrel URL in appsettings.json',
          evidence: [settings.idx.evidence(settings.file, m.line)],
          priority: PRIORITY.config,
          language: 'dotnet',
        });
      }
    }
    const launch = await readIn(ctx, 'Properties/launchSettings.json');
    if (launch) {
      const m = matchAll(launch.idx, /"applicationUrl"\s*:\s*"http:\/\/[^":]*:(\d{2,5})/)[0];
      if (m) {
        draft.port.push({
          value: Number(m.groups[1]),
          confidence: 'low',
          reason: 'development launch profile',
          evidence: [launch.idx.evidence(launch.file, m.line)],
          priority: PRIORITY.config,
          language: 'dotnet',
        });
      }
    }
    const tfm = matchAll(idx, /<TargetFrameworks?>\s*net(\d+)\.\d/)[0];
    const major = tfm ? Number(tfm.groups[1]) : 8;
    const ev = tfm ? idx.evidence(file, tfm.line) : idx.evidence(file, 1);
    if (web)
      addDefaultPort(
        ctx,
        major >= 8 ? 8080 : 80,
        `ASP.NET Core container default for .NET ${major}`,
        ev,
        'dotnet',
      );
    draft.build.push({
      value: `dotnet publish ${baseName(file)} -c Release -o out`,
      confidence: 'medium',
      reason: 'dotnet publish',
      evidence: [idx.evidence(file, 1)],
      priority: PRIORITY.convention,
      language: 'dotnet',
    });
    addStart(ctx, `dotnet out/${assembly}.dll`, {
      confidence: 'medium',
      reason: 'published assembly',
      evidence: idx.evidence(file, 1),
      priority: PRIORITY.convention,
      language: 'dotnet',
    });
  },
};
