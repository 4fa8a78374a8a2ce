import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { registerHttpTracing } from './tracing';

/** Adds the request spans' Fastify hooks when the application starts (TracingModule imports it only when tracing is on). */
@Injectable()
export class HttpTracing implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (typeof fastify?.addHook === 'function') registerHttpTracing(fastify);
  }
}
