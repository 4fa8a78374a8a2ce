import { DynamicModule, Module } from '@nestjs/common';
import { ResourceServerModule, ResourceServerModuleOptions } from '../../../libs/resource-server/src/nest';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

/**
 * The example API: ResourceServerModule guards every route (protectAllRoutes is on by default,
 * so a route without a decorator needs a valid token), the controller adds the scopes.
 */
@Module({})
export class OrdersApiModule {
  static forRoot(options: ResourceServerModuleOptions): DynamicModule {
    return {
      module: OrdersApiModule,
      imports: [ResourceServerModule.forRoot({ realm: 'orders', ...options })],
      controllers: [OrdersController],
      providers: [OrdersService],
    };
  }
}
