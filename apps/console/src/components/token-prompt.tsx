/** Asks for an API token when the api answers 401 (kept in sessionStorage for this browser session). */
import { useEffect, useState } from 'preact/hooks';
import { tokenStore } from '../api/session';
import type { TokenRequest } from '../api/token-store';

export function TokenPrompt() {
  const [request, setRequest] = useState<TokenRequest | null>(null);
  const [value, setValue] = useState('');
  useEffect(() => tokenStore.subscribe(setRequest), []);
  if (!request) return null;
  const submit = (e: Event) => {
    e.preventDefault();
    request.answer(value);
    setValue('');
  };
  return (
    <div class="overlay">
      <form class="dialog" role="dialog" aria-modal="true" aria-label="API token" onSubmit={submit}>
        <h3>API token</h3>
        <p>{request.reason} It is kept for this browser session only and sent as a Bearer header.</p>
        <input name="token" type="password" autoFocus autoComplete="off" placeholder="one of API_TOKENS" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        <div class="dialog-buttons">
          <button type="button" onClick={() => request.answer(null)}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={!value.trim()}>
            Use token
          </button>
        </div>
      </form>
    </div>
  );
}
