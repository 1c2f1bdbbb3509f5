/** What every service process shares: bootstrap with JSON logs, health and readiness probes. */
export * from './bootstrap';
export * from './health.module';
export * from './readiness';
