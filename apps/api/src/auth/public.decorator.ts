import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'pipeline:isPublic';

/** Opens a route (or a controller's routes) without a bearer token, e.g. the health check. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
