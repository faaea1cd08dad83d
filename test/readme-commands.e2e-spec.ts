import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const NPM_BUILTINS = new Set(['install', 'ci', 'test', 'start', 'run', 'rebuild', 'cache']);

/** Every `npm …` / `npm run …` command in the README's and docker/'s shell snippets. */
function npmCommands(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const blocks = file.endsWith('.md')
    ? [...text.matchAll(/```(?:bash|sh)?\n([\s\S]*?)```/g)].map((m) => m[1])
    : [text];
  const inline = file.endsWith('.md') ? [...text.matchAll(/`(npm [^`]+)`/g)].map((m) => m[1]) : [];
  const out: string[] = [];
  for (const chunk of [...blocks, ...inline])
    for (const m of chunk.matchAll(/\bnpm (run [\w:.-]+|[\w:.-]+)/g)) out.push(m[1]);
  return out;
}

/** The commands a newcomer reads (README.md, docker/) exist (issue 11: `start:api` did not). */
describe('commands named by the README and docker/', () => {
  const files = ['README.md', 'docker/Dockerfile', 'docker/docker-compose.yml'];
  it.each(files)('%s names only npm scripts that exist', (file) => {
    const missing = npmCommands(file).filter((c) => {
      if (c.startsWith('run ')) return !(c.slice(4) in pkg.scripts);
      return !NPM_BUILTINS.has(c) && !(c in pkg.scripts);
    });
    expect(missing).toEqual([]);
  });

  it('finds the distributed start commands in the README, and they run the built apps without building', () => {
    const readme = npmCommands('README.md');
    for (const s of ['start:api', 'start:worker', 'start:scanner']) {
      expect(readme).toContain(`run ${s}`);
      expect(pkg.scripts[s]).toMatch(/^exec node scripts\/start-app\.js [\w-]+$/);
      expect(pkg.scripts[`pre${s}`]).toBeUndefined();
    }
    // `npm start` builds only when the output is missing or stale.
    expect(pkg.scripts.prestart).toBe('node scripts/build-if-stale.js api');
  });

  it('shows API_TOKENS examples the api accepts (each token at least 8 characters)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/API_TOKENS=([^\s`'"]+)/g)].map((m) => m[1]).filter((v) => !v.startsWith('$'));
    expect(examples.length).toBeGreaterThan(0);
    for (const tokens of examples) for (const t of tokens.split(',')) expect({ t, ok: t.length >= 8 }).toEqual({ t, ok: true });
  });
});
