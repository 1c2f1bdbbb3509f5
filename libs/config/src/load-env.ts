import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { devDefaultsOf, isDevelopment } from './deploy-env';

/** Thrown at start-up when the environment is incomplete or wrong; the message lists every bad variable. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * Validates environment variables against a class-validator class and returns a typed instance.
 * Properties of the class use the variable names; defaults are the class's initialisers.
 * Numbers and booleans are converted from strings (`enableImplicitConversion`). Outside development, variables
 * marked `@DevDefault()` must be given (deploy-env.ts).
 */
export function loadEnv<T extends object>(envClass: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const instance = plainToInstance(envClass, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
  const problems = validateSync(instance, { whitelist: false }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((reason) => `${error.property}: ${reason}`),
  );
  if (!isDevelopment(env)) {
    for (const name of devDefaultsOf(envClass)) {
      if (!(name in defined)) {
        problems.push(
          `${name}: required outside development (NODE_ENV=production or DEPLOY_ENV is set); its default is a local development value`,
        );
      }
    }
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return instance;
}

/**
 * `"true"`/`"1"` are true, `"false"`/`"0"` false. Reads the raw variable (`obj[key]`): implicit conversion has
 * already turned `value` into `Boolean("false") === true` by the time a @Transform runs.
 */
export function toBoolean({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown {
  const value = obj[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
}

/** An octal permission such as `640` or `0644` (read from the raw variable, like toBoolean); anything else is kept. */
export function toFileMode({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown {
  const value = obj[key];
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^0?[0-7]{3}$/.test(value) ? parseInt(value, 8) : value;
}

/** `loadEnv` for a service's entry point: an invalid environment prints every problem and exits with status 1. */
export function loadEnvOrExit<T extends object>(envClass: new () => T): T {
  try {
    return loadEnv(envClass);
  } catch (error) {
    if (!(error instanceof InvalidEnvironmentError)) throw error;
    process.stderr.write(`${JSON.stringify({ level: 'fatal', message: error.message })}\n`);
    process.exit(1);
  }
}
