/**
 * The console's screens and their URLs under `/console` (the api answers `index.html` for any
 * of them, so a reload or a shared link opens the same screen). Pure.
 */

export const BASE = '/console';

/** A screen and its parameters. */
export type Route =
  | { name: 'pipelines' }
  | { name: 'pipeline'; id: string }
  | { name: 'runs'; query: URLSearchParams }
  | { name: 'run'; id: string }
  | { name: 'queues'; query: URLSearchParams }
  | { name: 'not-found'; path: string };

/** The screen for a location's path and query. */
export function parseRoute(pathname: string, search = ''): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'pipelines')) return { name: 'pipelines' };
  if (parts.length === 2 && parts[0] === 'pipelines') return { name: 'pipeline', id: parts[1] };
  if (parts.length === 1 && parts[0] === 'runs') return { name: 'runs', query };
  if (parts.length === 2 && parts[0] === 'runs') return { name: 'run', id: parts[1] };
  if (parts.length === 1 && parts[0] === 'queues') return { name: 'queues', query };
  return { name: 'not-found', path: pathname };
}

/** The console URL of a screen (`/console/runs/abc`), with a query of the non-empty values. */
export function href(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ''}`;
}
