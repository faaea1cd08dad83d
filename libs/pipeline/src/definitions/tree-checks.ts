import { DiscoveryService } from '@nestjs/core';
import type { NodeCheck } from '../model/validation.types';

/**
 * Contributes checks of its own node keys to tree validation, from outside the core (the
 * timer contrib modules check `timeout_config` and `events.timer_events` this way). Subclass
 * it, decorate the class with `@PipelineTreeChecks()` and declare it as a provider of any
 * module: `TreeCheckRegistry` finds it at boot, and every validation of
 * `PipelineDefinitionService` (builds, new versions, run starts) runs its checks.
 */
export abstract class TreeCheckProvider {
  /**
   * The checks, called for each validation (so they may close over registries that are
   * complete only once the app has booted). Each check sees every ServiceActivity and
   * SubProcess node, nested trees included.
   */
  abstract nodeChecks(): readonly NodeCheck[];
}

/** The discoverable decorator behind `@PipelineTreeChecks`. */
export const PIPELINE_TREE_CHECKS = DiscoveryService.createDecorator<{ name?: string }>();

/** Marks a `TreeCheckProvider` provider for discovery; `name` only shows in logs. */
export function PipelineTreeChecks(options: { name?: string } = {}): ClassDecorator {
  const metadata = { ...options };
  return (target) => {
    PIPELINE_TREE_CHECKS(metadata)(target);
  };
}
