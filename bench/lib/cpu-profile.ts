/** CPU profiles for `--cpu-prof`: of this process (embedded mode) through the inspector, of child processes through a preload. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** Starts sampling this process; the answered function stops and writes `<dir>/<name>.cpuprofile`. */
export function profileThisProcess(dir: string, name: string): () => Promise<string> {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  return () =>
    new Promise((resolve, reject) => {
      session.post('Profiler.stop', (err, result) => {
        session.disconnect();
        if (err) return reject(err);
        const file = join(dir, `${name}.cpuprofile`);
        writeFileSync(file, JSON.stringify(result.profile));
        resolve(file);
      });
    });
}

/** Environment that makes a child process (started by test/utils/cluster.ts) profile itself until SIGTERM. */
export function childProfileEnv(dir: string): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  return {
    NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile-preload.js')}`,
    BENCH_CPU_PROF_DIR: dir,
  };
}
