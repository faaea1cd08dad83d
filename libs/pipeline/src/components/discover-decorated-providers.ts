import type { DiscoverableDecorator, DiscoveryService } from '@nestjs/core';
import { InvalidComponentError } from './invalid-component.error';

/** A class, abstract or not. */
export type AnyClass = abstract new (...args: never[]) => unknown;

/** One provider instance found under a discoverable decorator. */
export interface DecoratedProvider<M, T> {
  metadata: M;
  instance: T;
  /** The instance's class, used to tell "same class declared twice" from a real clash. */
  type: AnyClass;
}

/**
 * Finds every provider of the app carrying `decorator`, checks it is a singleton instance of
 * `base`, and returns it with its metadata. Shared by the component and lazy-variable registries.
 * Throws `InvalidComponentError` for a provider that cannot be used, so boot fails loudly.
 */
export function discoverDecoratedProviders<M, T extends object>(
  discovery: DiscoveryService,
  decorator: DiscoverableDecorator<M>,
  base: abstract new (...args: never[]) => T,
  decoratorName: string,
): DecoratedProvider<M, T>[] {
  const found: DecoratedProvider<M, T>[] = [];
  for (const wrapper of discovery.getProviders({ metadataKey: decorator.KEY })) {
    if (wrapper.isDetached) continue;
    const metadata = discovery.getMetadataByDecorator(decorator, wrapper) as M | undefined;
    if (metadata === undefined) continue;
    const label = describe(wrapper.instance, wrapper.metatype, wrapper.name);
    // Request-scoped or transient providers have no instance at boot, and a per-request
    // instance would defeat the "state lives in data, not on this" rule anyway.
    if (wrapper.isTransient || !wrapper.isDependencyTreeStatic()) {
      throw new InvalidComponentError(
        `${decoratorName} ${label} must be a singleton (default-scope) provider`,
        {
          provider: label,
        },
      );
    }
    const instance: unknown = wrapper.instance;
    if (!(instance instanceof base)) {
      throw new InvalidComponentError(`${decoratorName} ${label} must extend ${base.name}`, {
        provider: label,
        base: base.name,
      });
    }
    found.push({ metadata, instance, type: instance.constructor as AnyClass });
  }
  return found;
}

function describe(instance: unknown, metatype: unknown, name: unknown): string {
  const ctor = (instance as { constructor?: { name?: string } } | undefined)?.constructor;
  if (ctor?.name && ctor !== Object) return ctor.name;
  if (typeof metatype === 'function' && metatype.name) return metatype.name as string;
  return String(name ?? 'provider');
}
