import { Writable } from 'node:stream';
import { idsOf, PinoNestLogger } from './pino-nest-logger';

function capture(level: 'log' | 'debug' | 'warn' = 'log') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: new PinoNestLogger({ app: 'api', level, format: 'json', destination }) };
}

describe('PinoNestLogger (structured logs, DESIGN §10)', () => {
  it('writes one JSON object per line with app, context, level and the run and node ids a message names', async () => {
    const { lines, logger } = capture();
    logger.log('run 5cd5cecf-da8f-4661-8892-0a556a47b347 node work: external task 1 locked', 'ExternalTaskService');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({
      level: 30,
      app: 'api',
      context: 'ExternalTaskService',
      runId: '5cd5cecf-da8f-4661-8892-0a556a47b347',
      nodeId: 'work',
      msg: 'run 5cd5cecf-da8f-4661-8892-0a556a47b347 node work: external task 1 locked',
    });
    expect(typeof lines[0].time).toBe('string');
  });

  it('keeps errors with their stack, and drops levels below LOG_LEVEL', async () => {
    const { lines, logger } = capture('warn');
    logger.log('not written', 'X');
    logger.debug('not written', 'X');
    logger.error('boom', 'Error: boom\n    at f (x.ts:1:1)', 'Worker');
    logger.warn(new Error('bad thing'), 'Worker');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['boom', 'bad thing']);
    expect(lines[0]).toMatchObject({ level: 50, context: 'Worker', stack: expect.stringContaining('at f') });
    expect(lines[1]).toMatchObject({ level: 40, err: { message: 'bad thing' } });
  });

  it('follows levels narrowed at run time', async () => {
    const { lines, logger } = capture('debug');
    logger.setLogLevels(['error', 'warn']);
    logger.log('dropped');
    logger.warn('kept');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });

  it('finds ids only where the message names them', () => {
    expect(idsOf('schedule 1: due')).toEqual({});
    expect(idsOf('run 5cd5cecf-da8f-4661-8892-0a556a47b347: FAILED (a node failed and nothing else can move)')).toEqual({
      runId: '5cd5cecf-da8f-4661-8892-0a556a47b347',
    });
  });
});
