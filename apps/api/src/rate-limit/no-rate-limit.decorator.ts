import { SetMetadata } from '@nestjs/common';

export const NO_RATE_LIMIT = 'pipeline:noRateLimit';

/** Leaves a route (or a controller's routes) out of the API rate limits: `/health`, `/metrics`. */
export const NoRateLimit = (): MethodDecorator & ClassDecorator => SetMetadata(NO_RATE_LIMIT, true);
