import { ExecutionContext } from '@nestjs/common';
import { isJsonContentType, JsonContentTypeGuard } from './json-content-type.guard';

describe('JsonContentTypeGuard', () => {
  const ctx = (contentType?: string) =>
    ({ switchToHttp: () => ({ getRequest: () => ({ headers: contentType === undefined ? {} : { 'content-type': contentType } }) }) }) as ExecutionContext;
  const guard = new JsonContentTypeGuard();

  it('lets application/json through, with parameters and in any case', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', ' application/json ;charset=UTF-8']) {
      expect(guard.canActivate(ctx(type))).toBe(true);
    }
  });

  it('refuses anything else with 415, carrying the PingFederate resultId for routes of that shape', () => {
    for (const type of [undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'application/merge-patch+json']) {
      expect(() => guard.canActivate(ctx(type))).toThrow(
        expect.objectContaining({ status: 415, code: 'unsupported_media_type', resultId: 'session_mgmt_unsupported_media_type', description: 'The Content-Type must be application/json.' }),
      );
    }
  });

  it('does not take a repeated header (an array) for JSON', () => {
    expect(isJsonContentType(['application/json', 'application/json'])).toBe(false);
  });
});
