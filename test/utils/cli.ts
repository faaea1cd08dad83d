import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const LAUNCHER = join(ROOT, 'scripts/pipeline-cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`scripts/pipeline-cli.js`, the package's `pipeline` bin) as a child
 * process, asynchronously so an app in this process can answer it. The environment is the
 * test's own: no PIPELINE_SERVER / PIPELINE_TOKEN from the machine.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base = { ...process.env };
  delete base.PIPELINE_SERVER;
  delete base.PIPELINE_TOKEN;
  delete base.FORCE_COLOR;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

