export { keyedPartition, murmur2 } from './murmur2.js';
export { StickyPartitioner } from './sticky-partitioner.js';
