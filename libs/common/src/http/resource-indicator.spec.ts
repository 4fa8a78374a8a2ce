import { resourceIndicatorProblem } from './resource-indicator';

describe('resourceIndicatorProblem', () => {
  it.each(['https://api.example.com', 'https://api.example.com/v1?tenant=a', 'urn:example:api'])('accepts the absolute URI %s', (value) => {
    expect(resourceIndicatorProblem(value)).toBeNull();
  });

  it.each([
    ['/api', 'must be an absolute URI'],
    ['api.example.com', 'must be an absolute URI'],
    ['https://api.example.com/#part', 'must not contain a fragment'],
    ['https://api.example.com/#', 'must not contain a fragment'],
    ['https://api.example.com/a b', 'must be a URI: printable ASCII, no spaces'],
    ['', 'must be 1 to 2048 characters long'],
    [`https://a.example/${'x'.repeat(2048)}`, 'must be 1 to 2048 characters long'],
  ])('refuses %s', (value, problem) => {
    expect(resourceIndicatorProblem(value)).toBe(problem);
  });
});
