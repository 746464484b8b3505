export * from './job.js';
export * from './spec.js';
