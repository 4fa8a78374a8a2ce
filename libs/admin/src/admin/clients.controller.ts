import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Audited } from '@app/audit';
import { ValidBody } from '../validation/valid-body.pipe';
import { AdminApi, ApiConflict, ApiInvalidRequest, ApiNotFound } from './admin-api.decorators';
import { ClientAdminService } from './client-admin.service';
import { ClientViewDto, ClientWithSecretDto, CreateClientDto, RotateSecretDto, UpdateClientDto } from './dto/client.dto';

const clientId = ApiParam({ name: 'id', description: 'client_id' });

@Controller('admin/clients')
@Audited()
@AdminApi()
export class ClientsController {
  constructor(private readonly clients: ClientAdminService) {}

  @Get()
  @ApiOperation({ summary: 'List clients' })
  @ApiOkResponse({ type: [ClientViewDto] })
  list(): Promise<ClientViewDto[]> {
    return this.clients.list();
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
