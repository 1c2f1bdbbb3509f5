import { DynamicModule, Global, Module } from '@nestjs/common';

/** Makes a service's validated environment injectable by its class (e.g. `constructor(env: QueryEnv)`). */
@Global()
@Module({})
export class EnvModule {
  static forRoot(env: object): DynamicModule {
    const token = env.constructor;
    return { module: EnvModule, providers: [{ provide: token, useValue: env }], exports: [token] };
  }
}
