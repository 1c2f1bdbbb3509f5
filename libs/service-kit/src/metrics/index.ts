export * from './metrics.controller';
export * from './service-metrics';
