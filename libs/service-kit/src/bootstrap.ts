import { ConsoleLogger, DynamicModule, INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startProcessMetrics } from './metrics';

const LEVELS: Record<string, LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  log: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** One JSON line per log entry, so logs can be shipped and searched by jobId/accountId. */
export function jsonLogger(service: string, level = process.env.LOG_LEVEL ?? 'log'): ConsoleLogger {
  return new ConsoleLogger(service, { json: true, logLevels: LEVELS[level] ?? LEVELS.log, colors: false });
}

/**
 * Starts a service: JSON logs, shutdown hooks (SIGTERM drains consumers), HTTP for health and, on the gateway,
 * the API. A service whose configuration is invalid exits with the list of problems.
 */
export async function bootstrapService(
  service: string,
  rootModule: Type<unknown> | DynamicModule,
  listen: { port: number; host: string },
  configure?: (app: INestApplication) => void | Promise<void>,
): Promise<INestApplication> {
  const logger = jsonLogger(service);
  startProcessMetrics(service);
  try {
    const app = await NestFactory.create(rootModule, { logger, bodyParser: false });
    app.enableShutdownHooks();
    await configure?.(app);
    await app.listen(listen.port, listen.host);
    logger.log(`${service} listening on ${listen.host}:${listen.port}`);
    return app;
  } catch (error) {
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
