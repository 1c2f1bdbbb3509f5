import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Db, MongoClient } from 'mongodb';
import { Readiness } from '@cae/service-kit';

export const MONGO_CLIENT = Symbol('MONGO_CLIENT');
export const MONGO_DB = Symbol('MONGO_DB');

/** Puts a database ping into readiness and closes the client on shutdown. */
@Injectable()
class MongoLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(MONGO_CLIENT) private readonly client: MongoClient,
    private readonly readiness: Readiness,
  ) {}

  onModuleInit(): void {
    this.readiness.register('mongodb', async () => {
      await this.client.db().command({ ping: 1 });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/** Provides one shared MongoClient and the database named in the URI (`/cordial` by default). */
@Global()
@Module({})
export class MongoModule {
  static forRoot(uri: string): DynamicModule {
    return {
      module: MongoModule,
      providers: [
        {
          provide: MONGO_CLIENT,
          useFactory: async () => {
            const client = new MongoClient(uri, {
              serverSelectionTimeoutMS: 10_000,
              retryWrites: true,
              // FerretDB and MongoDB both speak it; keeps dates as Date and ids as ObjectId.
              ignoreUndefined: true,
            });
            return client.connect();
          },
        },
        { provide: MONGO_DB, useFactory: (client: MongoClient) => client.db(), inject: [MONGO_CLIENT] },
        MongoLifecycle,
      ],
      exports: [MONGO_CLIENT, MONGO_DB],
    };
  }
}

export type { Db };
