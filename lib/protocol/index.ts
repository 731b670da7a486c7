export * from './resp-value.js';
export { encodeCommand, encodeCommands } from './command-encoder.js';
export { RespDecoder, MAX_NESTING_DEPTH } from './resp-decoder.js';
