import type { RunSnapshot } from '../pipeline-http.client';
import { waitForRun } from './run.command';

const snap = (state: string): RunSnapshot => ({
  id: 'r',
  pipelineId: null,
  businessKey: null,
  state,
});

describe('waitForRun', () => {
  it('polls until the run settles, handing every snapshot over', async () => {
    const states = ['RUNNING', 'SUSPENDED', 'RUNNING', 'FAILED'];
    const seen: string[] = [];
    const run = await waitForRun({ getRun: async () => snap(states.shift()!) }, 'r', {
      intervalMs: 1,
      onSnapshot: (r) => seen.push(r.state),
    });
    expect(run.state).toBe('FAILED');
    expect(seen).toEqual(['RUNNING', 'SUSPENDED', 'RUNNING', 'FAILED']);
  });

  it('gives up with WAIT_TIMEOUT (exit 3) once the timeout has passed', async () => {
    await expect(
      waitForRun({ getRun: async () => snap('RUNNING') }, 'r', { intervalMs: 5, timeoutMs: 20 }),
    ).rejects.toMatchObject({
      code: 'WAIT_TIMEOUT',
      exitCode: 3,
    });
  });
});
