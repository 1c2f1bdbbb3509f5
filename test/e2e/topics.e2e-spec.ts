import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { TEST_STACK_ENV } from '../support/test-stack';

const TOPICS = ['requested', 'records', 'chunks', 'job-status', 'dlq'].map(
  (name) => `contactactivityexport.${name}.v1`,
);

describe('the topics the services create', () => {
  it('set min.insync.replicas themselves (acks=all means nothing without it), with the message size and retention', async () => {
    const admin = new Kafka({
      brokers: [`127.0.0.1:${TEST_STACK_ENV.KAFKA_PORT}`],
      clientId: 'e2e-topics',
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: TOPICS.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas', 'max.message.bytes', 'retention.ms'],
        })),
      });
      for (const resource of resources) {
        const config = Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry]));
        // One broker here: one copy, one in sync; set on the topic, not inherited from the broker's default.
        expect({
          topic: resource.resourceName,
          value: config['min.insync.replicas'].configValue,
          isDefault: config['min.insync.replicas'].isDefault,
        }).toEqual({ topic: resource.resourceName, value: '1', isDefault: false });
        expect(config['max.message.bytes'].configValue).toBe(String(8 * 1024 * 1024));
      }
      expect(resources).toHaveLength(TOPICS.length);
    } finally {
      await admin.disconnect();
    }
  });
});
