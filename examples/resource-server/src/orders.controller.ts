import { BadRequestException, Body, Controller, Get, Post } from '@nestjs/common';
import type { VerifiedToken } from '../../../libs/resource-server/src';
import { AllowAnonymous, RequireScopes, VerifiedAccessToken } from '../../../libs/resource-server/src/nest';
import { itemOf, Order, OrdersService } from './orders.service';

/**
 * The example's routes. ResourceServerModule's global guard protects all of them; each says
 * what it needs on top: nothing (`health`), a valid token (`me`), or scopes.
 */
@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get('health')
  @AllowAnonymous()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Any valid token: who the API thinks is calling. */
  @Get('me')
  me(@VerifiedAccessToken() token: VerifiedToken): { sub?: string; client_id?: string; scopes: string[] } {
    return { sub: token.payload.sub, client_id: token.payload.client_id, scopes: token.scopes };
  }

  @Get('orders')
  @RequireScopes('orders:read')
  list(@VerifiedAccessToken() token: VerifiedToken): Order[] {
    return this.orders.of(subjectOf(token));
  }

  @Post('orders')
  @RequireScopes('orders:write')
  place(@VerifiedAccessToken() token: VerifiedToken, @Body() body: unknown): Order {
    const item = itemOf(body);
    if (!item) throw new BadRequestException({ error: 'invalid_request', error_description: 'item must be 1 to 100 printable characters.' });
    return this.orders.place(subjectOf(token), item);
  }
}

/** RFC 9068 §2.2 makes `sub` required, and the kit checks it is there. */
function subjectOf(token: VerifiedToken): string {
  return token.payload.sub as string;
}
