/**
 * What each destination field may contain: pure syntax rules, without I/O. The gateway answers 400 with their
 * messages; the delivery service checks them again before it connects (a message on Kafka is not trusted).
 */
export * from './control-characters';
export * from './bucket-names';
export * from './server-names';
export * from './host-key-fingerprint';
export * from './remote-path';
export * from './bucket-denylist';
export * from './callback-url';
