/**
 * The JSON shape of a pipeline tree (DESIGN §3) as class-validator + class-transformer classes.
 *
 * Turn a raw tree into instances with `plainToInstance(PipelineTreeDto, raw)` and check it with
 * `validateSync(dto)`; `validateTree` does exactly that and maps the errors to `INVALID_SCHEMA`
 * issues with dotted paths. The classes describe shape only: graph rules, references between
 * nodes and expressions are checked by `validateTree`.
 *
 * Lenient where bamboo is: `incoming` / `outgoing` may be a flow id or an array of flow ids
 * (`""` = none), unknown keys (`stage_name`, `labels`, `converge_gateway_id`, ...) are kept and
 * accepted, optional fields may be `null`.
 *
 * Id-keyed maps (`activities`, `gateways`, `flows`, `data.inputs`, `component.inputs`,
 * `conditions`, `params`) become `Map`s of instances after the transform, so that class-validator
 * reports each entry under its key (`activities.a1.component.code`). Node maps pick the class
 * from each entry's `type`. After validation, work with the original object typed as
 * `PipelineTree` (tree.types.ts), not with these instances.
 */
import 'reflect-metadata';
import { onFailureProblem, type OnFailure } from './on-failure';
import {
  Exclude,
  plainToInstance,
  Transform,
  Type,
  type ClassConstructor,
} from 'class-transformer';
import {
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';

export const ACTIVITY_TYPES = ['ServiceActivity', 'SubProcess'] as const;
export const GATEWAY_TYPES = [
  'ParallelGateway',
  'ExclusiveGateway',
  'ConditionalParallelGateway',
  'ConvergeGateway',
] as const;
export const VARIABLE_TYPES = ['plain', 'splice', 'lazy'] as const;
export const TIMER_TYPES = ['time_date', 'time_duration', 'time_cycle'] as const;
export const RETRY_BACKOFFS = ['fixed', 'exponential'] as const;
export const RESULT_CASTS = ['int', 'float', 'str', 'dict', 'list', 'bool'] as const;
/** A variable name usable as `${name}` in expressions. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A JSON object: not an array, not null, not a class instance (Map, Date, DTO...). Objects from
 * another realm (structuredClone, vm contexts, jest) count too: their prototype is that realm's
 * Object.prototype, whose own prototype is null.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Stand-in type for nested properties: class-level `@Exclude()` makes class-transformer's
 * default pass produce an empty instance instead of deep-copying the subtree, which the
 * property's own `@Transform` then rebuilds from the raw value. Without it every object would
 * be copied once per nesting level.
 */
@Exclude()
class Opaque {}

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/** Property holds a JSON object (or, after the transform, a Map built from one). */
function IsObjectValue(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isObjectValue',
      validator: {
        validate: (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
        defaultMessage: (args) => `${args?.property} must be an object`,
      },
    },
    options,
  );
}

/** Property is a flow id or an array of flow ids (bamboo writes `""` for none). */
function IsFlowRefs(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFlowRefs',
      validator: {
        validate: (value) =>
          typeof value === 'string' ||
          (Array.isArray(value) && value.every((v) => typeof v === 'string')),
        defaultMessage: (args) => `${args?.property} must be a flow id or an array of flow ids`,
      },
    },
    options,
  );
}

function IsStringOrStringArray(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringOrStringArray',
      validator: {
        validate: (value) =>
          (typeof value === 'string' && value !== '') ||
          (Array.isArray(value) &&
            value.length > 0 &&
            value.every((v) => typeof v === 'string' && v !== '')),
        defaultMessage: (args) =>
          `${args?.property} must be a non-empty string or a non-empty array of strings`,
      },
    },
    options,
  );
}

function toInstance<T extends object>(cls: ClassConstructor<T>, raw: unknown): T | unknown {
  return isPlainObject(raw) ? plainToInstance(cls, raw) : raw;
}

/**
 * How a property nests further DTOs: one object, an id-keyed map, or an array. Recorded by the
 * decorators below so that code walking raw trees (validateTree's fast schema pass) knows which
 * class each nested value has without running class-transformer.
 */
export type NestedSpec =
  | { kind: 'object'; type: () => ClassConstructor<object>; node: boolean }
  | {
      kind: 'record';
      select: (value: Record<string, unknown>) => ClassConstructor<object>;
      nodes: boolean;
    }
  | { kind: 'array'; type: () => ClassConstructor<object> };

/** Any DTO class, abstract ones included. */
export type DtoClass = abstract new (...args: never[]) => object;

const nestedSpecs = new Map<object, Map<string, NestedSpec>>();

/** The nested properties of a DTO class, inherited ones included. */
export function getNestedSpecs(cls: DtoClass): ReadonlyMap<string, NestedSpec> {
  const merged = new Map<string, NestedSpec>();
  const chain: object[] = [];
  for (
    let c: object | null = cls;
    c && c !== Object && c !== Function.prototype;
    c = Object.getPrototypeOf(c) as object | null
  )
    chain.unshift(c);
  for (const c of chain) nestedSpecs.get(c)?.forEach((spec, key) => merged.set(key, spec));
  return merged;
}

function Nested(spec: NestedSpec): PropertyDecorator {
  return (target, key) => {
    const ctor = target.constructor;
    let specs = nestedSpecs.get(ctor);
    if (!specs) nestedSpecs.set(ctor, (specs = new Map()));
    specs.set(String(key), spec);
  };
}

/** A nested object of one class. `optional`: absent or `null` is fine; `node`: it is a pipeline node. */
function NestedObject(
  type: () => ClassConstructor<object>,
  { optional = false, node = false }: { optional?: boolean; node?: boolean } = {},
): PropertyDecorator {
  return compose(
    optional ? IsOptional() : IsDefined(),
    Type(() => Opaque),
    Transform(({ obj, key }) => toInstance(type(), (obj as Record<string, unknown>)[key]), {
      toClassOnly: true,
    }),
    IsObjectValue(),
    ValidateNested(),
    Nested({ kind: 'object', type, node }),
  );
}

/**
 * A JSON object keyed by id whose values are validated one by one; `select` picks each value's
 * class (node maps dispatch on `type`). Non-object values become `null` so they are reported
 * as "must be an object" under their own key. `nodes`: the values are pipeline nodes.
 */
function RecordOf(
  select: (value: Record<string, unknown>) => ClassConstructor<object>,
  { optional = false, nodes = false }: { optional?: boolean; nodes?: boolean } = {},
): PropertyDecorator {
  return compose(
    optional ? IsOptional() : IsDefined(),
    Type(() => Opaque),
    Transform(
      ({ obj, key }) => {
        const raw = (obj as Record<string, unknown>)[key];
        if (!isPlainObject(raw)) return raw;
        const map = new Map<string, unknown>();
        for (const k of Object.keys(raw)) {
          const v = raw[k];
          map.set(k, isPlainObject(v) ? plainToInstance(select(v), v) : null);
        }
        return map;
      },
      { toClassOnly: true },
    ),
    IsObjectValue(),
    ValidateNested({ each: true }),
    Nested({ kind: 'record', select, nodes }),
  );
}

/** An array whose items are objects of one class. */
function ArrayOf(
  type: () => ClassConstructor<object>,
  { optional = false }: { optional?: boolean } = {},
): PropertyDecorator {
  return compose(
    optional ? IsOptional() : IsDefined(),
    Type(() => Opaque),
    Transform(
      ({ obj, key }) => {
        const raw = (obj as Record<string, unknown>)[key];
        return Array.isArray(raw)
          ? raw.map((v) => (isPlainObject(v) ? plainToInstance(type(), v) : null))
          : raw;
      },
      { toClassOnly: true },
    ),
    IsArray(),
    ValidateNested({ each: true }),
    Nested({ kind: 'array', type }),
  );
}

// ---------------------------------------------------------------- variables and component inputs

/** A context variable in `data.inputs` (keyed `"${name}"`) or a SubProcess param. */
export class TreeVariableDto {
  @IsIn(VARIABLE_TYPES, { message: 'type must be one of: plain, splice, lazy' })
  type: string;

  /** Any JSON value; for `splice` a `${...}` template (checked by validateTree). */
  value?: unknown;

  /** The node whose output this variable takes (bamboo's node-output variables). */
  @IsOptional()
  @IsStringOrStringArray()
  source_act?: string | string[];

  @ValidateIf((o: TreeVariableDto) => o.source_act !== undefined && o.source_act !== null)
  @IsString({ message: 'source_key must be a string when source_act is given' })
  @IsNotEmpty()
  source_key?: string;

  /** The lazy provider's name; required for `lazy` variables. */
  @ValidateIf(
    (o: TreeVariableDto) =>
      o.type === 'lazy' || (o.custom_type !== undefined && o.custom_type !== null),
  )
  @IsString({ message: 'custom_type must name a lazy variable provider' })
  @IsNotEmpty()
  custom_type?: string;

  @IsOptional()
  @IsBoolean()
  is_param?: boolean;
}

export class ComponentInputDto {
  @IsIn(VARIABLE_TYPES, { message: 'type must be one of: plain, splice, lazy' })
  type: string;

  value?: unknown;

  @ValidateIf(
    (o: ComponentInputDto) =>
      o.type === 'lazy' || (o.custom_type !== undefined && o.custom_type !== null),
  )
  @IsString({ message: 'custom_type must name a lazy variable provider' })
  @IsNotEmpty()
  custom_type?: string;
}

export class ComponentRefDto {
  @IsString()
  @IsNotEmpty()
  code: string;

  @IsOptional()
  @IsString()
  version?: string;

  @RecordOf(() => ComponentInputDto)
  inputs: Map<string, ComponentInputDto>;
}

// ---------------------------------------------------------------- activity options

export class RetryPolicyDto {
  @IsInt()
  @Min(0)
  max: number;

  @IsOptional()
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: '$property must be a finite number' },
  )
  @Min(0)
  delaySeconds?: number;

  /**
   * `fixed` | `exponential` (DESIGN §8.3); a positive number is accepted as the legacy form, a
   * multiplier applied to the delay after each attempt.
   */
  @IsOptional()
  @IsRetryBackoff()
  backoff?: string | number;

  /** Cap on any one delay, in seconds. */
  @IsOptional()
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: '$property must be a finite number' },
  )
  @Min(0)
  maxDelaySeconds?: number;
}

/** `retry.backoff`: one of RETRY_BACKOFFS, or a positive finite number (legacy multiplier). */
function IsRetryBackoff(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRetryBackoff',
      validator: {
        validate: (value) =>
          (typeof value === 'string' && (RETRY_BACKOFFS as readonly string[]).includes(value)) ||
          (typeof value === 'number' && Number.isFinite(value) && value > 0),
        defaultMessage: (args) =>
          `${args?.property} must be one of: ${RETRY_BACKOFFS.join(', ')} (or a positive number, the legacy multiplier)`,
      },
    },
    options,
  );
}

/** `onFailure` / `on_failure` of an activity (DESIGN §8.6): see `onFailureProblem`. */
function IsOnFailure(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOnFailure',
      validator: {
        validate: (value) => onFailureProblem(value) === null,
        defaultMessage: (args) => `${args?.property} ${onFailureProblem(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/** `timeout` of an activity (DESIGN §8.3): both optional, each a positive number of seconds. */
export class NodeTimeoutsDto {
  @IsOptional()
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: '$property must be a finite number' },
  )
  @IsPositive()
  queueSeconds?: number;

  @IsOptional()
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: '$property must be a finite number' },
  )
  @IsPositive()
  runningSeconds?: number;
}

/** A variable an activity sets when it finishes (`ServiceActivity.results`, engine/results.ts). */
export class ResultBindingDto {
  @IsString()
  @Matches(VARIABLE_NAME, { message: 'variable must be a name of letters, digits and _ (not starting with a digit)' })
  variable: string;

  /** Any JSON value; a string containing `${` is an expression (checked by validateTree). */
  value?: unknown;

  @IsOptional()
  @IsIn(RESULT_CASTS, { message: `type must be one of: ${RESULT_CASTS.join(', ')}` })
  type?: string;
}

export class TimeoutConfigDto {
  @IsBoolean()
  enable: boolean;

  @IsString()
  @IsNotEmpty()
  action: string;

  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: '$property must be a finite number' },
  )
  @IsPositive()
  seconds: number;
}

/** Shape only; the ISO 8601 text and the action name are checked by node-timer-event. */
export class TimerEventDto {
  @IsBoolean()
  enable: boolean;

  @IsString()
  @IsNotEmpty()
  action: string;

  @IsIn(TIMER_TYPES, { message: 'timer_type must be one of: time_date, time_duration, time_cycle' })
  timer_type: string;

  @IsString()
  @IsNotEmpty()
  defined: string;
}

export class NodeEventsDto {
  @ArrayOf(() => TimerEventDto, { optional: true })
  timer_events?: TimerEventDto[];
}

// ---------------------------------------------------------------- nodes

abstract class NodeBaseDto {
  @IsString()
  @IsNotEmpty()
  id: string;

  @IsOptional()
  @IsString()
  name?: string;

  @IsFlowRefs()
  incoming: string | string[];

  @IsFlowRefs()
  outgoing: string | string[];
}

export class StartEventDto extends NodeBaseDto {
  @Equals('EmptyStartEvent', { message: 'type must be EmptyStartEvent' })
  type: 'EmptyStartEvent';
}

export class EndEventDto extends NodeBaseDto {
  @Equals('EmptyEndEvent', { message: 'type must be EmptyEndEvent' })
  type: 'EmptyEndEvent';
}

export class FlowDto {
  @IsString()
  @IsNotEmpty()
  id: string;

  @IsString()
  @IsNotEmpty()
  source: string;

  @IsString()
  @IsNotEmpty()
  target: string;

  @IsOptional()
  @IsBoolean()
  is_default?: boolean;
}

export class TreeDataDto {
  @RecordOf(() => TreeVariableDto)
  inputs: Map<string, TreeVariableDto>;

  @IsArray()
  @IsString({ each: true })
  outputs: string[];
}

export class TreeOptionsDto {
  /** Allow loops, as long as every loop passes through an exclusive gateway. */
  @IsOptional()
  @IsBoolean()
  cycle_tolerate?: boolean;
}

/**
 * A whole tree; SubProcess nodes nest further trees of the same shape. Declared before the node
 * classes on purpose: `SubProcessDto.pipeline`'s decorator metadata needs this class to exist.
 */
export class PipelineTreeDto {
  @IsString()
  @IsNotEmpty()
  id: string;

  @IsOptional()
  @IsString()
  name?: string;

  @NestedObject(() => StartEventDto, { node: true })
  start_event: StartEventDto;

  @NestedObject(() => EndEventDto, { node: true })
  end_event: EndEventDto;

  @RecordOf(activityClassFor, { nodes: true })
  activities: Map<string, ServiceActivityDto | SubProcessDto>;

  @RecordOf(gatewayClassFor, { nodes: true })
  gateways: Map<
    string,
    ParallelGatewayDto | ExclusiveGatewayDto | ConditionalParallelGatewayDto | ConvergeGatewayDto
  >;

  @RecordOf(() => FlowDto)
  flows: Map<string, FlowDto>;

  @NestedObject(() => TreeDataDto)
  data: TreeDataDto;

  @NestedObject(() => TreeOptionsDto, { optional: true })
  options?: TreeOptionsDto;
}

abstract class ActivityBaseDto extends NodeBaseDto {
  @IsOptional()
  @IsBoolean()
  error_ignorable?: boolean;

  @IsOptional()
  @IsBoolean()
  skippable?: boolean;

  @IsOptional()
  @IsBoolean()
  retryable?: boolean;

  @IsOptional()
  @IsBoolean()
  optional?: boolean;

  @NestedObject(() => TimeoutConfigDto, { optional: true })
  timeout_config?: TimeoutConfigDto;

  @NestedObject(() => NodeEventsDto, { optional: true })
  events?: NodeEventsDto;

  @NestedObject(() => RetryPolicyDto, { optional: true })
  retry?: RetryPolicyDto;
}

export class ServiceActivityDto extends ActivityBaseDto {
  @Equals('ServiceActivity')
  type: 'ServiceActivity';

  @NestedObject(() => ComponentRefDto)
  component: ComponentRefDto;

  @NestedObject(() => NodeTimeoutsDto, { optional: true })
  timeout?: NodeTimeoutsDto;

  @ArrayOf(() => ResultBindingDto, { optional: true })
  results?: ResultBindingDto[];

  @IsOptional()
  @IsString()
  @Matches(VARIABLE_NAME, { message: 'outcomeVariable must be a name of letters, digits and _ (not starting with a digit)' })
  outcomeVariable?: string;

  /** Failure callback (DESIGN §8.6). */
  @IsOptional()
  @IsOnFailure()
  onFailure?: OnFailure;

  /** Bamboo spelling of `onFailure`. */
  @IsOptional()
  @IsOnFailure()
  on_failure?: OnFailure;
}

export class SubProcessDto extends ActivityBaseDto {
  @Equals('SubProcess')
  type: 'SubProcess';

  /** Rendered in the parent and handed to the child as inputs. */
  @RecordOf(() => TreeVariableDto, { optional: true })
  params?: Map<string, TreeVariableDto>;

  /** A whole tree; its `id` must equal this node's id (checked by validateTree). */
  @NestedObject(() => PipelineTreeDto)
  pipeline: PipelineTreeDto;
}

/** An entry of `activities` whose `type` is not an activity type. */
export class UnknownActivityDto extends NodeBaseDto {
  @IsIn(ACTIVITY_TYPES, { message: `type must be one of: ${ACTIVITY_TYPES.join(', ')}` })
  type: string;
}

export class ConditionDto {
  @IsString()
  @IsNotEmpty()
  evaluate: string;

  @IsOptional()
  @IsString()
  name?: string;
}

/** `{}` (no default) or `{flow_id}`. */
export class DefaultConditionDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  flow_id?: string;

  @IsOptional()
  @IsString()
  name?: string;
}

export class ParallelGatewayDto extends NodeBaseDto {
  @Equals('ParallelGateway')
  type: 'ParallelGateway';
}

export class ConvergeGatewayDto extends NodeBaseDto {
  @Equals('ConvergeGateway')
  type: 'ConvergeGateway';
}

/** Shared by the exclusive and conditional parallel gateways. */
abstract class ConditionalGatewayBaseDto extends NodeBaseDto {
  /** Keyed by outgoing flow id. */
  @RecordOf(() => ConditionDto)
  conditions: Map<string, ConditionDto>;

  @NestedObject(() => DefaultConditionDto, { optional: true })
  default_condition?: DefaultConditionDto;
}

export class ExclusiveGatewayDto extends ConditionalGatewayBaseDto {
  @Equals('ExclusiveGateway')
  type: 'ExclusiveGateway';
}

export class ConditionalParallelGatewayDto extends ConditionalGatewayBaseDto {
  @Equals('ConditionalParallelGateway')
  type: 'ConditionalParallelGateway';
}

export class UnknownGatewayDto extends NodeBaseDto {
  @IsIn(GATEWAY_TYPES, { message: `type must be one of: ${GATEWAY_TYPES.join(', ')}` })
  type: string;
}

/** Picks the class of an `activities` entry from its `type`. */
export function activityClassFor(value: Record<string, unknown>): ClassConstructor<object> {
  switch (value.type) {
    case 'ServiceActivity':
      return ServiceActivityDto;
    case 'SubProcess':
      return SubProcessDto;
    default:
      return UnknownActivityDto;
  }
}

/** Picks the class of a `gateways` entry from its `type`. */
export function gatewayClassFor(value: Record<string, unknown>): ClassConstructor<object> {
  switch (value.type) {
    case 'ParallelGateway':
      return ParallelGatewayDto;
    case 'ConvergeGateway':
      return ConvergeGatewayDto;
    case 'ExclusiveGateway':
      return ExclusiveGatewayDto;
    case 'ConditionalParallelGateway':
      return ConditionalParallelGatewayDto;
    default:
      return UnknownGatewayDto;
  }
}
