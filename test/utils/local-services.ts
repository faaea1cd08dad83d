/**
 * Stops and starts the local MariaDB and Redis servers, for the outage suite. The commands are
 * the machine's own (the ones that started the services before the session, and that `.ci/run`
 * uses); each can be replaced through an environment variable on another box.
 *
 * Only `describeWithOutages` suites use this, and only when `TEST_SERVICE_OUTAGES=1` (set by
 * `.ci/run`): stopping the shared servers would break anything else using them at that moment.
 */
import { execSync } from 'node:child_process';
import { isCi } from './services';

const sh = (cmd: string): string => execSync(cmd, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).toString();
const trySh = (cmd: string): boolean => {
  try {
    sh(cmd);
    return true;
  } catch {
    return false;
  }
};

export interface LocalServer {
  name: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  isUp(): boolean;
}

export interface LocalRedisServer extends LocalServer {
  /** `INFO server` run_id: changes with every start of the server. */
  serverRunId(): string;
}

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The MariaDB server behind a `mysql://` URL (host and port from the URL). */
export function localMariaDb(mysqlUrl: string): LocalServer {
  const u = new URL(mysqlUrl);
  const args = `--protocol=tcp -h ${u.hostname} -P ${u.port || 3306} -u ${decodeURIComponent(u.username) || 'root'}${u.password ? ` -p${decodeURIComponent(u.password)}` : ''}`;
  const startCmd =
    process.env.TEST_MYSQL_START_CMD ?? 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd';
  const stopCmd = process.env.TEST_MYSQL_STOP_CMD ?? `mariadb-admin ${args} shutdown`;
  const isUp = () => trySh(`mariadb-admin ${args} ping`);
  return {
    name: 'MariaDB',
    isUp,
    async stop() {
      sh(stopCmd);
      await waitFor('MariaDB did not stop', () => !isUp(), 30_000);
    },
    async start() {
      sh(startCmd);
      await waitFor('MariaDB did not start', isUp, 60_000);
    },
  };
}

/** The Redis server behind a `redis://` URL; it restarts empty (no persistence, as on this machine). */
export function localRedis(redisUrl: string): LocalRedisServer {
  const u = new URL(redisUrl);
  const cli = `redis-cli -h ${u.hostname} -p ${u.port || 6379}`;
  const startCmd =
    process.env.TEST_REDIS_START_CMD ??
    `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${u.port || 6379} --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log`;
  const stopCmd = process.env.TEST_REDIS_STOP_CMD ?? `${cli} shutdown nosave`;
  const isUp = () => {
    try {
      return sh(`${cli} ping`).trim() === 'PONG';
    } catch {
      return false;
    }
  };
  return {
    name: 'Redis',
    isUp,
    serverRunId: () => /run_id:(\w+)/.exec(sh(`${cli} info server`))?.[1] ?? '',
    async stop() {
      trySh(stopCmd); // the connection drops as the server exits: not an error
      await waitFor('Redis did not stop', () => !isUp(), 30_000);
    },
    async start() {
      sh(startCmd);
      await waitFor('Redis did not start', isUp, 30_000);
    },
  };
}

/**
 * `describe` for suites that stop and start the local servers: they run when
 * `TEST_SERVICE_OUTAGES=1`, are skipped loudly otherwise, and fail in CI without it.
 */
export function describeWithOutages(name: string, fn: () => void): void {
  if (process.env.TEST_SERVICE_OUTAGES === '1') {
    describe(name, fn);
    return;
  }
  if (isCi()) {
    describe(name, () => {
      it('needs TEST_SERVICE_OUTAGES=1', () => {
        throw new Error(`'${name}' is required in CI: set TEST_SERVICE_OUTAGES=1 (.ci/run does)`);
      });
    });
    return;
  }
  process.stderr.write(
    `\nSKIPPED: ${name} stops the local MariaDB and Redis (set TEST_SERVICE_OUTAGES=1 to run it)\n`,
  );
  describe.skip(name, () => {
    it('needs TEST_SERVICE_OUTAGES=1', () => undefined);
  });
}
