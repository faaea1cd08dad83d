import { DigestComponent } from './digest.component';
import { EchoComponent } from './echo.component';
import { ExternalTaskComponent } from './external-task.component';
import { FailComponent } from './fail.component';
import { HttpRequestComponent } from './http-request.component';
import { MultiCallbackComponent } from './multi-callback.component';
import { NoopComponent } from './noop.component';
import { NowLazyVariable } from './now.lazy-variable';
import { ORDERLINES_TEST_COMPONENTS } from './orderlines-test.components';
import { PollComponent } from './poll.component';
import { SleepComponent } from './sleep.component';
import { WaitCallbackComponent } from './wait-callback.component';

export * from './digest.component';
export * from './echo.component';
export * from './external-task.component';
export * from './fail.component';
export * from './http-request.component';
export * from './multi-callback.component';
export * from './noop.component';
export * from './now.lazy-variable';
export * from './orderlines-test.components';
export * from './poll.component';
export * from './sleep.component';
export * from './wait-callback.component';

/** The built-in components (DESIGN §4), as Nest providers. */
export const STANDARD_COMPONENTS = [
  NoopComponent,
  EchoComponent,
  FailComponent,
  SleepComponent,
  WaitCallbackComponent,
  MultiCallbackComponent,
  PollComponent,
  HttpRequestComponent,
  ExternalTaskComponent,
  DigestComponent,
  ...ORDERLINES_TEST_COMPONENTS,
];

/** The built-in lazy variables, as Nest providers. */
export const STANDARD_LAZY_VARIABLES = [NowLazyVariable];
