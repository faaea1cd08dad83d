import { NodeTimeoutModule } from '@app/node-timeout';
import { NodeTimerEventModule } from '@app/node-timer-event';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { validateEngineWorkerConfig } from './config/engine-worker.config';
import { HealthController } from './health/health.controller';

/**
 * Root module of the engine-worker: will host the BullMQ processors that execute and
 * schedule nodes, run components and handle timer actions (DESIGN §2). Today it only
 * validates its environment and answers `GET /health`.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, validate: validateEngineWorkerConfig }),
    TerminusModule,
    NodeTimeoutModule.forRoot(),
    NodeTimerEventModule.forRoot(),
  ],
  controllers: [HealthController],
})
export class EngineWorkerModule {}
