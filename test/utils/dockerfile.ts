/**
 * Reads docker/Dockerfile into stages of instructions, so a test can run the same install, build
 * and start commands outside Docker (there is no Docker engine on the CI machine). Handles what
 * the file uses: ARG, FROM … AS, WORKDIR, COPY [--from] [--chown], RUN, ENV, CMD and HEALTHCHECK
 * (exec form), USER, EXPOSE, STOPSIGNAL; line continuations and comments.
 */
export interface DockerInstruction {
  op: string;
  args: string;
}

export interface DockerStage {
  name: string;
  /** The image or earlier stage it starts from (`${ARG}`s resolved). */
  from: string;
  instructions: DockerInstruction[];
}

export function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (/^\s*#/.test(line) || (current === '' && line.trim() === '')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const l of logical) {
    const m = /^(\w+)\s+(.*)$/s.exec(l);
    if (!m) throw new Error(`unreadable Dockerfile line: ${l}`);
    const op = m[1].toUpperCase();
    const rest = m[2].replace(/\s+/g, ' ').trim();
    if (op === 'ARG' && stages.length === 0) {
      const [k, v = ''] = rest.split('=');
      args[k] = v;
      continue;
    }
    if (op === 'FROM') {
      const f = /^(\S+)\s+AS\s+(\S+)$/i.exec(rest);
      if (!f) throw new Error(`FROM without AS: ${l}`);
      const from = f[1].replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? '');
      stages.push({ name: f[2], from, instructions: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`instruction before FROM: ${l}`);
    stages[stages.length - 1].instructions.push({ op, args: rest });
  }
  return stages;
}

/** `ENV A=1 B=2` → entries. */
export function parseEnv(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) out[m[1]] = m[2].replace(/^"|"$/g, '');
  return out;
}

/** `COPY [--from=x] [--chown=u:g] src… dst` → parts. */
export function parseCopy(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(' ');
  let from: string | undefined;
  const rest: string[] = [];
  for (const w of words) {
    if (w.startsWith('--from=')) from = w.slice('--from='.length);
    else if (!w.startsWith('--')) rest.push(w);
  }
  return { from, sources: rest.slice(0, -1), dest: rest[rest.length - 1] };
}

/** `CMD ["node", "x"]` or `HEALTHCHECK --interval=… CMD ["node", "-e", "…"]` → the argv. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  const argv = JSON.parse(json) as unknown;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string'))
    throw new Error(`not an exec-form command: ${args}`);
  return argv as string[];
}
