/** Which destination hosts may be contacted (no loopback, private, link-local or metadata addresses). */
export * from './host-policy';
export { ipv6Groups } from './ip-addresses';
