/**
 * Preloaded (`node --require`) into the engine's child processes by `npm run bench -- --cpu-prof DIR`.
 * Samples the CPU from start-up and writes `<DIR>/<role>-<pid>.cpuprofile` on the first SIGTERM,
 * before the app's own shutdown hook runs (Nest re-raises the signal after closing, so Node's
 * `--cpu-prof`, which writes at a normal exit, would never write). Off unless BENCH_CPU_PROF_DIR is set.
 */
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  const name = `${process.env.BENCH_ROLE ?? 'process'}-${process.pid}.cpuprofile`;
  const onTerm = () => {
    process.removeListener('SIGTERM', onTerm);
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, name), JSON.stringify(result.profile));
      session.disconnect();
    });
  };
  process.on('SIGTERM', onTerm);
}
