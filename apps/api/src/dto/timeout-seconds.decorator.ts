import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { MAX_TIMEOUT_SECONDS } from '@app/pipeline';

/**
 * An optional run timeout in whole seconds (DESIGN §8.3), 1 to `MAX_TIMEOUT_SECONDS`. On a
 * definition it may be `null` (none); on a start call it wins over the definition's.
 */
export function TimeoutSecondsField(where: 'definition' | 'start'): PropertyDecorator {
  const definition = where === 'definition';
  return applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 1,
      maximum: MAX_TIMEOUT_SECONDS,
      nullable: definition,
      description: definition
        ? 'Run timeout in seconds (DESIGN §8.3): a run still unfinished that long after it was admitted is revoked with reason "timeout". The start call may give its own. null = none'
        : 'Run timeout in seconds (DESIGN §8.3), counted from the run\'s admission; wins over the pipeline\'s: when it runs out the run is revoked with reason "timeout"',
    }),
    IsOptional(),
    ...(definition ? [ValidateIf((_: unknown, value: unknown) => value !== null)] : []),
    IsInt(),
    Min(1),
    Max(MAX_TIMEOUT_SECONDS),
  );
}
