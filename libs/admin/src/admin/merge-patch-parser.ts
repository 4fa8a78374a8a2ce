import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MERGE_PATCH_TYPE } from '../validation/merge-patch';

/**
 * Lets Fastify parse `application/merge-patch+json` bodies (the admin API's PATCH) with its own
 * JSON parser, under the same poisoning checks as `application/json`. Registered by the module
 * that has the PATCH routes, so any host mounting it takes the media type.
 */
@Injectable()
export class MergePatchBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (typeof fastify?.addContentTypeParser !== 'function' || fastify.hasContentTypeParser(MERGE_PATCH_TYPE)) return;
    fastify.addContentTypeParser(MERGE_PATCH_TYPE, { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'error'));
  }
}
