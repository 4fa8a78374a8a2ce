import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminErrorDto } from './dto/error.dto';

/**
 * OpenAPI description shared by every admin controller, which each also declare
 * `@UseGuards(BearerTokenGuard) @RequireScopes(ADMIN_SCOPE)`.
 */
export const AdminApiDocs = () =>
  applyDecorators(
    ApiTags('Admin'),
    ApiBearerAuth('bearer'),
    ApiUnauthorizedResponse({ type: AdminErrorDto, description: 'invalid_token: the bearer token is missing, invalid, expired or revoked' }),
    ApiForbiddenResponse({ type: AdminErrorDto, description: 'insufficient_scope: the token lacks the admin scope' }),
  );

export const ApiInvalidRequest = (description = 'invalid_request: the body or a parameter is invalid; each problem is named by its JSON path') =>
  ApiBadRequestResponse({ type: AdminErrorDto, description });

export const ApiNotFound = (what: string) => ApiNotFoundResponse({ type: AdminErrorDto, description: `not_found: no such ${what}` });

export const ApiConflict = (what: string) => ApiConflictResponse({ type: AdminErrorDto, description: `conflict: ${what}` });
