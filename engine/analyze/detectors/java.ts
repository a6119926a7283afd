/** Java and Kotlin on the JVM: Maven pom.xml, Gradle build scripts; Spring Boot. */
import { dataServiceForPackage } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { type LineIndex, baseName, matchAll, relJoin } from '../evidence.ts';
import type { Evidence } from '../types.ts';
import { SCANS, addDefaultPort, addStart, scanCode } from './code-scan.ts';
import { type DetectContext, type Detector, readIn } from './context.ts';
import { springConfig } from './spring-config.ts';

const WEB_STARTERS = ['spring-boot-starter-web', 'spring-boot-starter-webflux'];

interface Coordinate {
  group: string;
  artifact: string;
  evidence: Evidence;
}

/** Replace a block's characters with spaces, keeping newlines so offsets and lines stay valid. */
function blank(text: string, tag: string): string {
  return text.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, 'g'), (b) => b.replace(/[^\n]/g, ' '));
}

function mavenDependencies(file: string, idx: LineIndex): Coordinate[] {
  const out: Coordinate[] = [];
  for (const m of matchAll(idx, /<dependency>([\s\S]*?)<\/dependency>/)) {
    const body = m.groups[1]!;
    const group = /<groupId>\s*([^<\s]+)\s*<\/groupId>/.exec(body)?.[1];
    const art = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(body);
    if (!group || !art) continue;
    const offset = m.index + '<dependency>'.length + art.index;
    out.push({ group, artifact: art[1]!, evidence: idx.evidenceAt(file, offset) });
  }
  return out;
}

function addCoordinates(ctx: DetectContext, coords: readonly Coordinate[], where: string): void {
  for (const c of coords) {
    const kind = dataServiceForPackage('maven', `${c.group}:${c.artifact}`);
    if (kind)
      ctx.draft.addDep(kind, `${c.group}:${c.artifact}`, 'high', `${where} dependency ${c.artifact}`, [
        c.evidence,
      ]);
    if (c.group === 'org.springframework.boot' && WEB_STARTERS.includes(c.artifact)) {
      ctx.draft.framework.push({
        value: 'spring-boot',
        confidence: 'high',
        reason: `${where} dependency ${c.artifact}`,
        evidence: [c.evidence],
        priority: PRIORITY.manifest + 1,
      });
    }
    if (c.artifact === 'spring-boot-starter-actuator') {
      ctx.draft.health.push({
        value: '/actuator/health',
        confidence: 'high',
        reason: 'Spring Boot Actuator health endpoint',
        evidence: [c.evidence],
        priority: PRIORITY.manifest,
        language: 'java',
      });
    }
  }
}

function language(ctx: DetectContext, reason: string, evidence: Evidence): void {
  ctx.draft.strong = true;
  ctx.draft.language.push({
    value: 'java',
    confidence: 'high',
    reason,
    evidence: [evidence],
    priority: PRIORITY.manifest,
  });
}

async function maven(ctx: DetectContext): Promise<boolean> {
  const pom = await readIn(ctx, 'pom.xml');
  if (!pom) return false;
  const { file, idx } = pom;
  language(ctx, 'pom.xml', idx.evidence(file, 1));
  const modules = matchAll(idx, /<module>\s*([^<\s]+)\s*<\/module>/).map((m) =>
    relJoin(ctx.dir, m.groups[1]!),
  );
  if (modules.length > 0) {
    ctx.draft.workspace = {
      path: ctx.dir || '.',
      tool: 'maven',
      members: modules.filter((d) => ctx.tree.has(relJoin(d, 'pom.xml'))).sort(),
      evidence: [idx.evidence(file, idx.lineOf(idx.text.indexOf('<modules>')))],
    };
  }
  let own = idx.text;
  for (const tag of [
    'parent',
    'dependencies',
    'dependencyManagement',
    'build',
    'profiles',
    'modules',
    'plugins',
  ])
    own = blank(own, tag);
  const artifact = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(own);
  const version =
    /<version>\s*([^<\s]+)\s*<\/version>/.exec(own)?.[1] ??
    /<parent>[\s\S]*?<version>\s*([^<\s]+)\s*<\/version>/.exec(idx.text)?.[1];
  if (artifact) {
    ctx.draft.names.push({
      value: artifact[1]!,
      confidence: 'high',
      reason: 'pom.xml artifactId',
      evidence: [idx.evidenceAt(file, artifact.index)],
      priority: PRIORITY.manifest,
    });
  }
  const parent = /<parent>[\s\S]*?<artifactId>\s*spring-boot-starter-parent\s*<\/artifactId>/.exec(idx.text);
  const boot = parent !== null || /spring-boot-maven-plugin/.test(idx.text);
  addCoordinates(ctx, mavenDependencies(file, idx), 'pom.xml');
  if (boot && artifact) {
    const jar = `target/${artifact[1]!}${version ? `-${version}` : ''}.jar`;
    const mvn = ctx.tree.has(relJoin(ctx.dir, 'mvnw')) ? './mvnw' : 'mvn';
    const ev = idx.evidenceAt(file, artifact.index);
    ctx.draft.build.push({
      value: `${mvn} -B package -DskipTests`,
      confidence: 'medium',
      reason: 'Maven package',
      evidence: [ev],
      priority: PRIORITY.convention,
      language: 'java',
    });
    addStart(ctx, `java -jar ${jar}`, {
      confidence: 'medium',
      reason: 'Spring Boot executable jar',
      evidence: ev,
      priority: PRIORITY.convention,
      language: 'java',
    });
  }
  return boot;
}

const GRADLE_DEP =
  /\b(?:implementation|api|runtimeOnly|compileOnly|compile)\s*\(?\s*['"]([\w.-]+):([\w.-]+)(?::[^'"]*)?['"]/;

async function gradle(ctx: DetectContext): Promise<boolean> {
  const build = (await readIn(ctx, 'build.gradle.kts')) ?? (await readIn(ctx, 'build.gradle'));
  const settings = (await readIn(ctx, 'settings.gradle.kts')) ?? (await readIn(ctx, 'settings.gradle'));
  if (!build && !settings) return false;
  const first = build ?? settings!;
  language(ctx, baseName(first.file), first.idx.evidence(first.file, 1));
  let name = baseName(ctx.dir) || 'app';
  if (settings) {
    const root = matchAll(settings.idx, /rootProject\.name\s*=\s*['"]([^'"]+)['"]/)[0];
    if (root) {
      name = root.groups[1]!;
      ctx.draft.names.push({
        value: name,
        confidence: 'high',
        reason: 'rootProject.name',
        evidence: [settings.idx.evidence(settings.file, root.line)],
        priority: PRIORITY.manifest,
      });
    }
    const members: string[] = [];
    for (const m of matchAll(settings.idx, /^\s*include\s*\(?([^)\n]*)\)?/m)) {
      for (const s of m.groups[1]!.matchAll(/['"]:?([^'"]+)['"]/g))
        members.push(relJoin(ctx.dir, s[1]!.replace(/:/g, '/')));
    }
    if (members.length > 0) {
      ctx.draft.workspace = {
        path: ctx.dir || '.',
        tool: 'gradle',
        members: members.filter((d) => ctx.tree.hasDir(d)).sort(),
        evidence: [
          settings.idx.evidence(settings.file, matchAll(settings.idx, /^\s*include\b/m)[0]?.line ?? 1),
        ],
      };
    }
  }
  if (!build) return false;
  const { file, idx } = build;
  const coords: Coordinate[] = matchAll(idx, GRADLE_DEP).map((m) => ({
    group: m.groups[1]!,
    artifact: m.groups[2]!,
    evidence: idx.evidence(file, m.line),
  }));
  addCoordinates(ctx, coords, baseName(file));
  const plugin = matchAll(idx, /id\s*\(?\s*['"]org\.springframework\.boot['"]/)[0];
  if (!plugin) return false;
  const version = matchAll(idx, /^\s*version\s*=\s*['"]([^'"]+)['"]/m)[0]?.groups[1];
  const gradlew = ctx.tree.has(relJoin(ctx.dir, 'gradlew')) ? './gradlew' : 'gradle';
  const ev = idx.evidence(file, plugin.line);
  ctx.draft.build.push({
    value: `${gradlew} bootJar`,
    confidence: 'medium',
    reason: 'Spring Boot Gradle plugin',
    evidence: [ev],
    priority: PRIORITY.convention,
    language: 'java',
  });
  addStart(ctx, `java -jar build/libs/${name}${version ? `-${version}` : ''}.jar`, {
    confidence: 'medium',
    reason: 'Spring Boot executable jar',
    evidence: ev,
    priority: PRIORITY.convention,
    language: 'java',
  });
  return true;
}

export const javaDetector: Detector = {
  id: 'java',
  claims: (names) =>
    ['pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'].some((n) =>
      names.includes(n),
    ),
  async detect(ctx) {
    const boot = (await maven(ctx)) || (await gradle(ctx));
    if (!ctx.draft.strong) return;
    await springConfig(ctx);
    await scanCode(ctx, SCANS['java']!);
    const spring = ctx.draft.framework.find((f) => f.value === 'spring-boot');
    if (boot || spring) {
      const ev = spring?.evidence[0] ?? ctx.draft.language[0]!.evidence[0]!;
      addDefaultPort(ctx, 8080, 'Spring Boot default port', ev, 'java');
    }
  },
};
