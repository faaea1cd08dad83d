import { DiscoveryService } from '@nestjs/core';
import { InvalidComponentError } from './invalid-component.error';

/** The version a node without `component.version` asks for (bamboo's `LEGACY_PLUGINS_VERSION`). */
export const LEGACY_COMPONENT_VERSION = 'legacy';

export interface PipelineComponentOptions {
  /** What trees put in `component.code`. */
  code: string;
  /** What trees put in `component.version`; defaults to `'legacy'`. */
  version?: string;
  /** Human name for the catalogue; defaults to `code`. */
  name?: string;
  description?: string;
}

/** Options as stored on the class, defaults applied. */
export interface PipelineComponentMetadata {
  code: string;
  version: string;
  name: string;
  description?: string;
}

/**
 * The discoverable decorator behind `@PipelineComponent`. `DiscoveryService.getProviders({ metadataKey })`
 * finds the providers carrying it without scanning every provider of the app.
 */
export const PIPELINE_COMPONENT = DiscoveryService.createDecorator<PipelineComponentMetadata>();

/**
 * Marks a provider class (extending `Service`) as a pipeline component. Declare the class as a
 * provider of any module of the app; `ComponentRegistry` finds it at boot.
 *
 * ```ts
 * @PipelineComponent({ code: 'send_mail', version: '1.0' })
 * export class SendMailComponent extends Service { ... }
 * ```
 */
export function PipelineComponent(options: PipelineComponentOptions): ClassDecorator {
  const metadata = normalizeComponentOptions(options);
  return (target) => {
    PIPELINE_COMPONENT(metadata)(target);
  };
}

/** Reads the metadata back from a class (e.g. for tests or tooling); `undefined` if not decorated. */
export function getPipelineComponentMetadata(
  target: object,
): PipelineComponentMetadata | undefined {
  return Reflect.getMetadata(PIPELINE_COMPONENT.KEY, target) as
    PipelineComponentMetadata | undefined;
}

/** Treats a missing, null or empty version as legacy, as bamboo does. */
export function resolveComponentVersion(version?: string | null): string {
  return version === undefined || version === null || version === ''
    ? LEGACY_COMPONENT_VERSION
    : version;
}

function normalizeComponentOptions(options: PipelineComponentOptions): PipelineComponentMetadata {
  const code = options?.code;
  if (typeof code !== 'string' || code.trim() === '') {
    throw new InvalidComponentError('@PipelineComponent needs a non-empty string `code`', {
      options,
    });
  }
  if (
    options.version !== undefined &&
    (typeof options.version !== 'string' || options.version.trim() === '')
  ) {
    throw new InvalidComponentError(
      `@PipelineComponent '${code}': \`version\` must be a non-empty string`,
      {
        code,
        version: options.version,
      },
    );
  }
  return {
    code,
    version: resolveComponentVersion(options.version),
    name: options.name ?? code,
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
}
