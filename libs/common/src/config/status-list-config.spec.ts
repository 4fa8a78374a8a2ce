import { loadServerConfig } from './server-config';

describe('status list settings', () => {
  it('defaults to a one-minute ttl, lists of 131,072 indexes leased 1,024 at a time', () => {
    expect(loadServerConfig({}).statusList).toEqual({ ttl: 60, capacity: 131_072, blockSize: 1024 });
  });

  it('keeps a block within one list, and refuses sizes that are not powers of two', () => {
    expect(loadServerConfig({ STATUS_LIST_CAPACITY: '16', STATUS_LIST_BLOCK_SIZE: '1024', STATUS_LIST_TTL: '5' }).statusList).toEqual({ ttl: 5, capacity: 16, blockSize: 16 });
    expect(() => loadServerConfig({ STATUS_LIST_CAPACITY: '1000' })).toThrow(/STATUS_LIST_CAPACITY=1000: STATUS_LIST_CAPACITY must be a power of two/);
    expect(() => loadServerConfig({ STATUS_LIST_BLOCK_SIZE: '2' })).toThrow(/STATUS_LIST_BLOCK_SIZE/);
    expect(() => loadServerConfig({ STATUS_LIST_TTL: '0' })).toThrow(/STATUS_LIST_TTL/);
  });
});
