/** What every service process shares: bootstrap with JSON logs, health and readiness probes, Prometheus metrics, a private scratch folder. */
export * from './bootstrap';
export * from './health.module';
export * from './metrics';
export * from './readiness';
export * from './work-dir';
