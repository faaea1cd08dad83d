import { href, parseRoute } from './routes';

describe('console routes', () => {
  it('maps paths under /console to screens', () => {
    expect(parseRoute('/console')).toEqual({ name: 'pipelines' });
    expect(parseRoute('/console/')).toEqual({ name: 'pipelines' });
    expect(parseRoute('/console/pipelines/p%201')).toEqual({ name: 'pipeline', id: 'p 1' });
    expect(parseRoute('/console/runs/abc')).toEqual({ name: 'run', id: 'abc' });
    const runs = parseRoute('/console/runs', '?state=FAILED&page=2');
    expect(runs.name === 'runs' && runs.query.get('state')).toBe('FAILED');
    expect(parseRoute('/console/queues').name).toBe('queues');
    expect(parseRoute('/console/nope/x/y')).toEqual({ name: 'not-found', path: '/console/nope/x/y' });
  });

  it('builds URLs with the non-empty query values', () => {
    expect(href('/runs', { state: 'FAILED', businessKey: '', page: undefined })).toBe('/console/runs?state=FAILED');
    expect(href('/pipelines')).toBe('/console/pipelines');
  });
});
