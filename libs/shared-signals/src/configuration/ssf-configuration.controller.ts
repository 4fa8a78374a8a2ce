import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '@app/auth';
import { HttpConfig, InjectConfig, notFound } from '@app/common';
import { SsfConfigurationService } from './ssf-configuration.service';

const WELL_KNOWN = '/.well-known/ssf-configuration';

/**
 * The Transmitter Configuration Metadata (SSF 1.0 §7.2): at `/.well-known/ssf-configuration`,
 * and, when the issuer has a path, also with that path after it (`…/ssf-configuration/tenant1`).
 */
@ApiTags('Shared Signals')
@Public()
@Controller()
export class SsfConfigurationController {
  private readonly issuerPath: string;

  constructor(@InjectConfig('http') http: HttpConfig, private readonly configuration: SsfConfigurationService) {
    this.issuerPath = new URL(http.issuer).pathname.replace(/\/+$/, '');
  }

  @Get(WELL_KNOWN)
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'Transmitter configuration', description: 'SSF 1.0 §7: the management endpoints, delivery methods, authorization scheme and signing keys of this Shared Signals transmitter.' })
  @ApiOkResponse({ description: 'Transmitter Configuration Metadata (application/json)' })
  metadata(): Promise<Record<string, unknown>> {
    return this.configuration.metadata();
  }

  /** The issuer's path form; any other path below the document is not one. */
  @Get(`${WELL_KNOWN}/*`)
  @Header('Cache-Control', 'no-cache')
  @ApiExcludeEndpoint()
  withIssuerPath(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    const path = req.url.split('?')[0].slice(WELL_KNOWN.length).replace(/\/+$/, '');
    if (!this.issuerPath || path !== this.issuerPath) throw notFound('No transmitter configuration here: the issuer has no such path.');
    return this.configuration.metadata();
  }
}
