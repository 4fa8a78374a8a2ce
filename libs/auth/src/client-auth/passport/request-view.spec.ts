import { requestView } from './request-view';

class FakeRequest {
  headers: Record<string, string> = { authorization: 'Basic abc' };
  socket = { remoteAddress: '10.0.0.7' };

  get ip(): string {
    return this.socket.remoteAddress;
  }
}

describe('requestView', () => {
  it('reads the request\'s fields, its getters running on the request itself', () => {
    const req = new FakeRequest();
    const view = requestView(req);
    expect(view.headers).toBe(req.headers);
    expect(view.ip).toBe('10.0.0.7');
    expect('socket' in view).toBe(true);
  });

  it('keeps what is written on it, and leaves the request as it was', () => {
    const req = new FakeRequest();
    const view = requestView(req) as FakeRequest & Record<string, unknown>;
    view.logIn = () => undefined;
    Object.defineProperty(view, 'isAuthenticated', { value: () => false });
    view.headers = { authorization: 'Basic other' };
    expect(typeof view.logIn).toBe('function');
    expect('isAuthenticated' in view).toBe(true);
    expect(view.headers).toEqual({ authorization: 'Basic other' });
    expect(Object.keys(req)).toEqual(['headers', 'socket']);
    expect(req.headers).toEqual({ authorization: 'Basic abc' });
    expect(delete view.logIn).toBe(true);
    expect('logIn' in view).toBe(false);
  });

  it('answers the fields it is given in place of the request\'s', () => {
    const req = new FakeRequest();
    const view = requestView(req, { headers: { authorization: 'Basic canonical' } });
    expect(view.headers).toEqual({ authorization: 'Basic canonical' });
    expect(view.ip).toBe('10.0.0.7');
    expect(req.headers).toEqual({ authorization: 'Basic abc' });
  });
});
