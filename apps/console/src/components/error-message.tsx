/** An api error (message, code and field details) or any other error, in red. */
import { ApiError } from '../api/api-client';

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    return (
      <div class="error" role="alert">
        <strong>
          {error.status}
          {error.code ? ` ${error.code}` : ''}
        </strong>
        : {error.message}
        {error.details.length > 0 && (
          <ul>
            {error.details.map((d, i) => (
              <li key={i}>
                {d.path ? <code>{d.path}</code> : null} {d.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </div>
  );
}
