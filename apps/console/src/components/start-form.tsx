/** Starts a run of a pipeline version: JSON inputs checked as they are typed, server errors shown. */
import { useState } from 'preact/hooks';
import { api } from '../api/session';
import { parseJsonObject } from '../lib/json-input';
import { href } from '../lib/routes';
import { ErrorMessage } from './error-message';
import { navigate } from './use-route';

export function StartForm({ pipelineId, version }: { pipelineId: string; version: number }) {
  const [inputs, setInputs] = useState('{\n  \n}');
  const [businessKey, setBusinessKey] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const parsed = parseJsonObject(inputs);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!parsed.ok) return;
    setBusy(true);
    setError(undefined);
    try {
      const run = await api.startRun(pipelineId, { inputs: parsed.value, version, ...(businessKey.trim() ? { businessKey: businessKey.trim() } : {}) });
      navigate(href(`/runs/${encodeURIComponent(run.id)}`));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="start-form" aria-label="start a run" onSubmit={(e) => void submit(e)}>
      <h3>Start a run (version {version})</h3>
      <label>
        Inputs (JSON object)
        <textarea name="inputs" rows={5} spellcheck={false} value={inputs} onInput={(e) => setInputs(e.currentTarget.value)} aria-invalid={!parsed.ok} />
      </label>
      {!parsed.ok && (
        <div class="field-error" role="alert" data-testid="inputs-error">
          {parsed.error}
        </div>
      )}
      <label>
        Business key (optional)
        <input name="businessKey" value={businessKey} onInput={(e) => setBusinessKey(e.currentTarget.value)} />
      </label>
      <ErrorMessage error={error} />
      <button type="submit" class="primary" disabled={!parsed.ok || busy}>
        {busy ? 'Starting…' : 'Start run'}
      </button>
    </form>
  );
}
