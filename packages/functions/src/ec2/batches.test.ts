import { describe, expect, it } from 'vitest';
import { chunk } from './batches';

describe('EC2 batches', () => {
  it('chunks at the batch size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 1000)).toEqual([]);
  });
});
