import { constantTimeEqual } from './constant-time-equal';

describe('constantTimeEqual', () => {
  it('is true for equal strings and for equal buffers', () => {
    expect(constantTimeEqual('s3cret-value', 's3cret-value')).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('is false when the content differs at any position', () => {
    expect(constantTimeEqual('s3cret-value', 'x3cret-value')).toBe(false);
    expect(constantTimeEqual('s3cret-value', 's3cret-valuX')).toBe(false);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 4]))).toBe(false);
  });

  it('is false, without throwing, when the lengths differ', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(32), Buffer.alloc(33))).toBe(false);
  });

  it('compares a string with the buffer of its UTF-8 bytes as equal', () => {
    expect(constantTimeEqual('zürich', Buffer.from('zürich', 'utf8'))).toBe(true);
    expect(constantTimeEqual('zürich', Buffer.from('zürich', 'latin1'))).toBe(false);
  });
});
