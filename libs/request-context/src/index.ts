// The request id every process keeps per request. Its own lib, below audit and platform, so both use it without depending on each other.
export * from './request-id.js';
