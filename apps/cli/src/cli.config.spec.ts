import { loadCliConfig } from './cli.config';

describe('loadCliConfig', () => {
  it('reads PIPELINE_SERVER and PIPELINE_TOKEN, blank meaning unset', () => {
    expect(
      loadCliConfig({ PIPELINE_SERVER: ' http://h:3000 ', PIPELINE_TOKEN: 't' }, {}),
    ).toMatchObject({ server: 'http://h:3000', token: 't' });
    expect(loadCliConfig({ PIPELINE_SERVER: '', PIPELINE_TOKEN: '  ' }, {})).toMatchObject({
      server: undefined,
      token: undefined,
    });
  });

  it('colours a terminal unless NO_COLOR or TERM=dumb; FORCE_COLOR decides when set (CI alone does not)', () => {
    expect(loadCliConfig({}, { isTTY: true }).colours).toBe(true);
    expect(loadCliConfig({ NO_COLOR: '' }, { isTTY: true }).colours).toBe(false);
    expect(loadCliConfig({ TERM: 'dumb' }, { isTTY: true }).colours).toBe(false);
    expect(loadCliConfig({ CI: 'true' }, { isTTY: false }).colours).toBe(false);
    expect(loadCliConfig({ FORCE_COLOR: '1' }, { isTTY: false }).colours).toBe(true);
    expect(loadCliConfig({ FORCE_COLOR: '0' }, { isTTY: true }).colours).toBe(false);
  });

  it('knows whether stdout is a terminal and its width', () => {
    expect(loadCliConfig({}, { isTTY: true, columns: 120 })).toMatchObject({
      stdoutIsTty: true,
      columns: 120,
    });
    expect(loadCliConfig({}, {})).toMatchObject({ stdoutIsTty: false, columns: 80 });
  });
});
