import { Topic } from '@cae/contracts';
import { ContractProducer } from './contract-producer';

/**
 * Parks a message that can never be processed on the dead-letter topic, with where it came from and why, so it
 * never blocks its partition; operators replay or inspect it from there. The only writer of that topic.
 */
export function publishDeadLetter(
  producer: ContractProducer,
  message: {
    sourceTopic: string;
    partition: number;
    offset: string;
    key?: string | null;
    reason: string;
    payload: string;
  },
): Promise<void> {
  return producer.publish(Topic.DeadLetter, message.key ?? 'unknown', {
    sourceTopic: message.sourceTopic,
    partition: message.partition,
    offset: message.offset,
    key: message.key ?? undefined,
    reason: message.reason.slice(0, 4000),
    payload: message.payload.slice(0, 64 * 1024),
    at: new Date().toISOString(),
  });
}
