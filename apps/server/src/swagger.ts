import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@app/common';

/** Swagger UI at /docs and the OpenAPI document at /docs-json, with every security scheme. */
export function setupSwagger(app: INestApplication, config: AppConfig): void {
  const doc = new DocumentBuilder()
    .setTitle('Revocation Server')
    .setDescription('Token and session revocation: Janssen Global Token Revocation, PingFederate Session Revocation API, OAuth 2.0 token service.')
    .setVersion('0.1.0')
    .addServer(config.issuer)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_secret_basic: client id and secret' }, 'basic')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token issued by this server' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-XSRF-HEADER', description: 'Any non-empty value (PingFederate CSRF guard)' }, 'xsrf')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
}
