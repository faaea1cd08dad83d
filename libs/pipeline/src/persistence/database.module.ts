import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { buildDataSourceOptions, type DatabaseOptions, parseDatabaseUrl } from './database-options';

/**
 * The engine's database connection: SQLite (`better-sqlite3`) or MySQL (`mysql2`) from one URL,
 * migrations applied at start-up. The DataSource is global, so `TypeOrmModule.forFeature` works
 * anywhere once this is imported.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => {
            // A MySQL server may still be starting (compose, k8s): retry for ~30 s. SQLite either
            // opens or it never will, so fail at once.
            const isSqlite = parseDatabaseUrl(options.databaseUrl).kind === 'sqlite';
            return {
              ...buildDataSourceOptions(options),
              retryAttempts: 10,
              retryDelay: 3000,
              toRetry: () => !isSqlite,
            };
          },
        }),
      ],
    };
  }
}
