import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadCliConfig } from '../apps/cli/src/cli.config';
import { buildProgram } from '../apps/cli/src/cli.program';

const ROOT = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const NPM_BUILTINS = new Set(['install', 'ci', 'test', 'start', 'run', 'rebuild', 'cache', 'exec']);

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

/** Every `npx pipeline …` invocation in the README's shell snippets, as argument lists. */
function cliInvocations(file: string): string[][] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[][] = [];
  let fence: string | undefined; // the open fence's language, undefined outside one
  for (const line of text.split('\n')) {
    const f = /^```(\w*)/.exec(line);
    if (f) {
      fence = fence === undefined ? f[1] : undefined;
      continue;
    }
    if (fence === undefined || !['', 'bash', 'sh'].includes(fence)) continue;
    for (const part of line.replace(/\s#\s.*$/, '').split(/;|&&/)) {
        const m = /\bnpx pipeline\b(.*)$/.exec(part);
      if (m) out.push([...m[1].matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((t) => t[0]));
    }
  }
  // Inline ones in the prose too (`npx pipeline run ...`).
  for (const [, args] of text.matchAll(/`npx pipeline ([^`…]+)`/g)) out.push([...args.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((t) => t[0]));
  return out;
}

/** Why `args` would not parse with the CLI's real command tree (unknown command or option), or undefined. */
function cliProblem(program: Command, args: string[]): string | undefined {
  let cmd = program;
  const known = (c: Command, flag: string) => c.options.some((o) => o.long === flag || o.short === flag);
  let i = 0;
  for (; i < args.length && cmd.commands.length > 0; i++) {
    const a = args[i];
    if (a.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === a);
    if (!sub) return `unknown command '${a}' under '${cmd.name()}'`;
    cmd = sub;
  }
  for (const a of args) {
    const flag = a.split('=')[0];
    if (!flag.startsWith('--') || flag === '--help') continue;
    if (!known(cmd, flag) && !known(program, flag)) return `unknown option '${flag}' of '${cmd.name()}'`;
  }
  return undefined;
}

/** The CLI examples in the README (DESIGN §10) use commands and options the CLI has; test/cli.e2e-spec.ts runs them. */
describe('pipeline CLI commands named by the README', () => {
  const out = { write: () => undefined };
  const program = buildProgram({ config: loadCliConfig({}, { isTTY: false }), out, err: out, exitCode: 0 });
  const invocations = cliInvocations('README.md');

  it('finds the CLI examples (validate, run, runs, nodes)', () => {
    const commands = new Set(invocations.map((a) => a.find((t) => !t.startsWith('-'))));
    for (const c of ['validate', 'run', 'runs', 'nodes']) expect(commands).toContain(c);
  });

  it.each(invocations.map((a) => [a.join(' ')]))('npx pipeline %s', (line) => {
    const args = invocations.find((a) => a.join(' ') === line)!;
    expect(cliProblem(program, args)).toBeUndefined();
  });

  it('registers the CLI as the package bin `pipeline`', () => {
    const bin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> }).bin;
    expect(bin).toEqual({ pipeline: 'scripts/pipeline-cli.js' });
  });
});
