import { DiscoveryService } from '@nestjs/core';
import { InvalidComponentError } from './invalid-component.error';

export interface PipelineLazyVariableOptions {
  /** What trees put in the variable's `custom_type`. */
  code: string;
  /** Human name for the catalogue; defaults to `code`. */
  name?: string;
  description?: string;
}

/** Options as stored on the class, defaults applied. */
export interface PipelineLazyVariableMetadata {
  code: string;
  name: string;
  description?: string;
}

/** The discoverable decorator behind `@PipelineLazyVariable`. */
export const PIPELINE_LAZY_VARIABLE =
  DiscoveryService.createDecorator<PipelineLazyVariableMetadata>();

/**
 * Marks a provider class (extending `LazyVariable`) as the lazy variable `custom_type: code`.
 * Declare it as a provider of any module; `LazyVariableRegistry` finds it at boot.
 */
export function PipelineLazyVariable(options: PipelineLazyVariableOptions): ClassDecorator {
  const code = options?.code;
  if (typeof code !== 'string' || code.trim() === '') {
    throw new InvalidComponentError('@PipelineLazyVariable needs a non-empty string `code`', {
      options,
    });
  }
  const metadata: PipelineLazyVariableMetadata = {
    code,
    name: options.name ?? code,
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
  return (target) => {
    PIPELINE_LAZY_VARIABLE(metadata)(target);
  };
}
