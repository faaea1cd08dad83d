/**
 * A failure callback (DESIGN §8.6), on an activity (`onFailure` or `on_failure`), a DAG work or
 * a definition: POST `{pipelineName, runId, nodeId, error, status}` to `webhook`, or call the
 * registered component `component` with it as inputs, once the node has failed for good.
 * `noticeType` is orderlines' `notice_type`, passed along (alone, as orderlines may give it, it
 * calls nothing).
 */
export interface OnFailure {
  webhook?: string;
  component?: string;
  noticeType?: string;
}

/** What is wrong with an `onFailure` value, or null when it is fine. */
export function onFailureProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'must be an object: {webhook: "https://..."} or {component: "code"}';
  }
  const v = value as Record<string, unknown>;
  const unknownKeys = Object.keys(v).filter((k) => !['webhook', 'component', 'noticeType'].includes(k));
  if (unknownKeys.length) return `unknown key(s) ${unknownKeys.join(', ')}: give {webhook: url} or {component: code}`;
  const hasWebhook = v.webhook !== undefined;
  const hasComponent = v.component !== undefined;
  if (hasWebhook && hasComponent) return 'needs only one of webhook (a URL) or component (a component code)';
  if (!hasWebhook && !hasComponent && v.noticeType === undefined) return 'needs one of webhook (a URL) or component (a component code)';
  if (v.noticeType !== undefined && typeof v.noticeType !== 'string') return 'noticeType must be a string';
  if (!hasWebhook && !hasComponent) return null;
  if (hasComponent) {
    return typeof v.component === 'string' && v.component.trim() !== '' ? null : 'component must be a non-empty component code';
  }
  if (typeof v.webhook !== 'string' || !isHttpUrl(v.webhook)) return 'webhook must be an http:// or https:// URL';
  return null;
}

/** An absolute http(s) URL with a host. */
export function isHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The `onFailure` of a raw activity, `on_failure` accepted too; undefined when it has none. */
export function activityOnFailure(activity: unknown): OnFailure | undefined {
  if (!activity || typeof activity !== 'object') return undefined;
  const a = activity as Record<string, unknown>;
  const v = a.onFailure ?? a.on_failure;
  return v && onFailureProblem(v) === null ? (v as OnFailure) : undefined;
}
