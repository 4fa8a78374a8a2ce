import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { MERGE_PATCH_TYPE } from '../validation/merge-patch';
import { oneOfQuery, QueryParams, textQuery } from '../validation/query-params';
import { ValidBody } from '../validation/valid-body.pipe';
import { AdminApi, ApiConflict, ApiInvalidRequest, ApiNotFound } from './admin-api.decorators';
import { ClientAdminService } from './client-admin.service';
import { AUTH_METHODS, ClientViewDto, ClientWithSecretDto, CreateClientDto, GRANT_TYPES, RotateSecretDto, UpdateClientDto } from './dto/client.dto';

const clientId = ApiParam({ name: 'id', description: 'client_id' });

@Controller('admin/clients')
@Audited()
@AdminApi()
export class ClientsController {
  constructor(private readonly clients: ClientAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List clients', description: 'Every client, or those matching every filter given. Any other query parameter is refused (400).' })
  @QueryParams('grant_type', 'scope', 'token_endpoint_auth_method', 'resource')
  @ApiQuery({ name: 'grant_type', required: false, enum: GRANT_TYPES, description: 'Clients that may use this grant type' })
  @ApiQuery({ name: 'scope', required: false, description: 'Clients registered for this scope' })
  @ApiQuery({ name: 'token_endpoint_auth_method', required: false, enum: AUTH_METHODS })
  @ApiQuery({ name: 'resource', required: false, description: 'Clients that may ask for this RFC 8707 resource' })
  @ApiOkResponse({ type: [ClientViewDto] })
  @ApiInvalidRequest('invalid_request: an unknown query parameter, or a bad filter value')
  list(
    @Query('grant_type') grantType: unknown, @Query('scope') scope: unknown,
    @Query('token_endpoint_auth_method') authMethod: unknown, @Query('resource') resource: unknown,
  ): Promise<ClientViewDto[]> {
    return this.clients.list({
      grantType: oneOfQuery('grant_type', grantType, GRANT_TYPES), scope: textQuery('scope', scope, 128),
      authMethod: oneOfQuery('token_endpoint_auth_method', authMethod, AUTH_METHODS), resource: textQuery('resource', resource, 2048),
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a client' })
  @clientId
  @ApiOkResponse({ type: ClientViewDto })
  @ApiNotFound('client')
  get(@Param('id') id: string): Promise<ClientViewDto> {
    return this.clients.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Register a client', description: 'A client_secret_basic or client_secret_post client without a client_secret gets a random one. The secret is in this response only; the store keeps its hash.' })
  @ApiBody({ type: CreateClientDto })
  @ApiCreatedResponse({ type: ClientWithSecretDto })
  @ApiInvalidRequest()
  @ApiConflict('a client with this client_id exists')
  create(@Body(new ValidBody(CreateClientDto)) body: CreateClientDto): Promise<ClientWithSecretDto> {
    return this.clients.create(body);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a client\'s settings', description: 'Members left out take their defaults. The secret is kept while the method uses one; change it with POST /admin/clients/{id}/secret.' })
  @clientId
  @ApiBody({ type: UpdateClientDto })
  @ApiOkResponse({ type: ClientViewDto })
  @ApiInvalidRequest()
  @ApiNotFound('client')
  update(@Param('id') id: string, @Body(new ValidBody(UpdateClientDto)) body: UpdateClientDto): Promise<ClientViewDto> {
    return this.clients.update(id, body);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change some of a client\'s settings',
    description: 'An RFC 7396 JSON merge patch (application/merge-patch+json; application/json is taken too): members given replace the stored ones, objects merge member by member, null removes a member (it takes its default), members left out stay. The result is checked as a whole, as PUT\'s body. The secret changes with POST /admin/clients/{id}/secret only.',
  })
  @clientId
  @ApiConsumes(MERGE_PATCH_TYPE, 'application/json')
  @ApiBody({ type: UpdateClientDto, description: 'Any of the settings; null removes one' })
  @ApiOkResponse({ type: ClientViewDto })
  @ApiInvalidRequest('invalid_request: the patched settings are invalid (each problem named by its JSON path), or the body is not a JSON object')
  @ApiNotFound('client')
  patch(@Param('id') id: string, @Body() patch: unknown): Promise<ClientViewDto> {
    return this.clients.patch(id, patch);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a client', description: 'Every token issued to the client is revoked.' })
  @clientId
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFound('client')
  remove(@Param('id') id: string): Promise<void> {
    return this.clients.remove(id);
  }

  @Post(':id/secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a client\'s secret', description: 'Sets the given secret, or a random one; the new secret is in this response only. The old one stops working at once.' })
  @clientId
  @ApiBody({ type: RotateSecretDto, required: false })
  @ApiOkResponse({ type: ClientWithSecretDto })
  @ApiInvalidRequest('invalid_request: a bad client_secret, or the client does not authenticate with a secret')
  @ApiNotFound('client')
  rotateSecret(@Param('id') id: string, @Body(new ValidBody(RotateSecretDto, { optional: true })) body: RotateSecretDto): Promise<ClientWithSecretDto> {
    return this.clients.rotateSecret(id, body);
  }
}
