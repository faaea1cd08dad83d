import { NodeTimeoutModule } from '@app/node-timeout';
import { NodeTimerEventModule } from '@app/node-timer-event';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { validateTimerScannerConfig } from './config/timer-scanner.config';
import { HealthController } from './health/health.controller';

/**
 * Root module of the timer-scanner: will scan the node-timeout and node-timer-event
 * executing pools and dispatch due entries (DESIGN §7). Today it only validates its
 * environment and answers `GET /health`.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateTimerScannerConfig }),
    TerminusModule,
    NodeTimeoutModule.forRoot(),
    NodeTimerEventModule.forRoot(),
  ],
  controllers: [HealthController],
})
export class TimerScannerModule {}
