import type { Logger } from '@nestjs/common';
import { ComponentData, type ParentData, type Service, type ServiceHookName } from '../components/service';

/**
 * Calls a component's hook (DESIGN §6) when it wants hooks and defines that one. Hooks are
 * user code: one that throws is logged and the engine goes on.
 */
export async function callHook(
  component: Service | undefined,
  hook: ServiceHookName,
  data: ComponentData,
  parentData: ParentData,
  logger: Logger,
  callbackData?: unknown,
): Promise<void> {
  if (!component?.needRunHook) return;
  const fn = component[hook] as ((d: ComponentData, p: ParentData, c?: unknown) => unknown) | undefined;
  if (typeof fn !== 'function') return;
  try {
    await fn.call(component, data, parentData, callbackData);
  } catch (e) {
    logger.warn(`run ${parentData.runId} node ${parentData.nodeId}: hook ${hook} threw: ${(e as Error)?.message ?? e}`);
  }
}

/**
 * A copy of a node's data for the read-only hooks: changes made to it are never saved, and
 * the frozen outputs make an attempt fail loudly instead of silently.
 */
export function readOnlyData(inputs: Record<string, unknown> | null, outputs: Record<string, unknown> | null): ComponentData {
  const copy = <T>(v: T): T => (v == null ? v : structuredClone(v));
  return new ComponentData(Object.freeze(copy(inputs ?? {})), Object.freeze(copy(outputs ?? {})));
}
