/**
 * The five example requests of the API reference (`contactactivityexport`), verbatim, with the reference's own
 * words for each, kept in reference-requests.json (the e2e suite reference-examples posts the same file). They are the named examples of the request body in the OpenAPI document (/docs), and the unit
 * test of that document runs each through the gateway's validation: every one must be accepted as written.
 */
import referenceRequests from './reference-requests.json';

export const REFERENCE_EXAMPLES = referenceRequests;
