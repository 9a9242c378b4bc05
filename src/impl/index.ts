/**
 * Implementations under test (`--impl`, docs/impl-protocol.md): the protocol client.
 */
export { ImplClient, DEFAULT_IMPL_TIMEOUT_MS, type ImplOptions } from './client.js';
export { ImplError, describeRequest, type ImplFault, type ImplRequestRef } from './implError.js';
export { PROTOCOL, parseHandshake, type ImplHandshake, type ImplSupports, type ImplDtype, type NormalizeSupport, type Negatives, type NormalizeForm } from './handshake.js';
export { supportsCase, caseOutsideSupport } from './supports.js';
export type { ImplCase } from './implCase.js';
export type { GradAnswer, DistancesRequest, DistancesAnswer } from './answers.js';
