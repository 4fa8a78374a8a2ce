import { Controller, Get, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { Audited } from './audited.decorator';

const routeConfig = (fn: unknown) => Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, fn as object);

describe('@Audited()', () => {
  it('on a class, marks each route method in the Fastify route config, keeping what is there', () => {
    @Audited()
    @Controller('x')
    class X {
      @Get() list(): void {}
      @Post() @RouteConfig({ errorBody: 'pingfederate' }) create(): void {}
      helper(): void {}
    }
    expect(routeConfig(X.prototype.list)).toEqual({ audited: true });
    expect(routeConfig(X.prototype.create)).toEqual({ errorBody: 'pingfederate', audited: true });
    expect(routeConfig(X.prototype.helper)).toBeUndefined();
  });

  it('on a method, marks that route only', () => {
    @Controller('y')
    class Y {
      @Post() @Audited() revoke(): void {}
      @Get() other(): void {}
    }
    expect(routeConfig(Y.prototype.revoke)).toEqual({ audited: true });
    expect(routeConfig(Y.prototype.other)).toBeUndefined();
  });
});
