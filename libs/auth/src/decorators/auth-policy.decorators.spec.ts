import { CanActivate } from '@nestjs/common';
import { CustomAuth } from './auth-policy.decorators';

class PassGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

describe('CustomAuth', () => {
  it('refuses to declare custom authentication without a guard that carries it', () => {
    expect(() => (CustomAuth as unknown as () => unknown)()).toThrow(/give the guards/);
  });

  it('puts the guards given on the route', () => {
    class Controller {
      @CustomAuth(PassGuard)
      route(): void {}
    }
    expect(Reflect.getMetadata('__guards__', Controller.prototype.route)).toEqual([PassGuard]);
    expect(Reflect.getMetadata('auth:policy', Controller.prototype.route)).toEqual({ kind: 'custom' });
  });
});
