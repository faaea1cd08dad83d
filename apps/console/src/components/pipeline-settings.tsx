/** A pipeline's switch and caps (`PATCH /pipelines/:id`), each change confirmed first. */
import { useEffect, useState } from 'preact/hooks';
import type { Pipeline, PipelinePatch, QueueMode } from '../api/api-types';
import { api } from '../api/session';
import { ConfirmDialog } from './confirm-dialog';

export function PipelineSettings({ pipeline, onChanged }: { pipeline: Pipeline; onChanged: () => void }) {
  const [cap, setCap] = useState(pipeline.maxConcurrentRuns?.toString() ?? '');
  const [mode, setMode] = useState<QueueMode>(pipeline.queueMode);
  const [pending, setPending] = useState<{ title: string; patch: PipelinePatch } | null>(null);
  useEffect(() => {
    setCap(pipeline.maxConcurrentRuns?.toString() ?? '');
    setMode(pipeline.queueMode);
  }, [pipeline.maxConcurrentRuns, pipeline.queueMode]);
  const capValue = cap.trim() === '' ? null : Number(cap);
  const capValid = capValue === null || (Number.isInteger(capValue) && capValue >= 1);
  return (
    <div class="settings">
      <div class="row">
        <span>
          Switch: <strong data-testid="enabled">{pipeline.enabled ? 'on' : 'off'}</strong>
        </span>
        <button type="button" onClick={() => setPending({ title: pipeline.enabled ? 'Switch the pipeline off' : 'Switch the pipeline on', patch: { enabled: !pipeline.enabled } })}>
          {pipeline.enabled ? 'Switch off' : 'Switch on'}
        </button>
      </div>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (capValid) setPending({ title: 'Change the caps', patch: { maxConcurrentRuns: capValue, queueMode: mode } });
        }}
      >
        <label>
          max concurrent runs
          <input name="maxConcurrentRuns" size={6} placeholder="no cap" value={cap} onInput={(e) => setCap(e.currentTarget.value)} aria-invalid={!capValid} />
        </label>
        <label>
          queue mode
          <select name="queueMode" value={mode} onChange={(e) => setMode(e.currentTarget.value as QueueMode)}>
            <option value="fifo">fifo</option>
            <option value="lifo">lifo</option>
          </select>
        </label>
        <button type="submit" disabled={!capValid}>
          Save caps
        </button>
        {!capValid && <span class="field-error">a whole number ≥ 1, or empty for no cap</span>}
      </form>
      {pending && (
        <ConfirmDialog
          title={pending.title}
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await api.patchPipeline(pipeline.id, pending.patch);
            onChanged();
          }}
        >
          <p>
            <code>PATCH /pipelines/{pipeline.key}</code> with <code>{JSON.stringify(pending.patch)}</code>
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
