/** What every service process shares: bootstrap with JSON logs, health and readiness probes, a private scratch folder. */
export * from './bootstrap';
export * from './health.module';
export * from './readiness';
export * from './work-dir';
