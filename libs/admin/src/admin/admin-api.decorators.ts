import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiTags, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuditInterceptor } from '@app/audit';
import { BearerAuth } from '@app/auth';
import { ADMIN_SCOPE } from '../provisioning/provisioning-startup.service';
import { KnownQueryGuard } from '../validation/query-params';
import { AdminErrorDto } from './dto/error.dto';

/**
 * Every admin controller: a bearer token with the admin scope (enforced by AuthPolicyGuard),
 * only the query parameters each route declares (QueryParams), the audit interceptor, and its
 * OpenAPI description.
 */
export const AdminApi = () =>
  applyDecorators(
    BearerAuth(ADMIN_SCOPE),
    UseGuards(KnownQueryGuard),
    UseInterceptors(AuditInterceptor),
    ApiTags('Admin'),
    ApiBearerAuth('bearer'),
    ApiUnauthorizedResponse({ type: AdminErrorDto, description: 'invalid_token: the bearer token is missing, invalid, expired or revoked' }),
    ApiForbiddenResponse({ type: AdminErrorDto, description: 'insufficient_scope: the token lacks the admin scope' }),
  );

export const ApiInvalidRequest = (description = 'invalid_request: the body or a parameter is invalid; each problem is named by its JSON path') =>
  ApiBadRequestResponse({ type: AdminErrorDto, description });

export const ApiNotFound = (what: string) => ApiNotFoundResponse({ type: AdminErrorDto, description: `not_found: no such ${what}` });

export const ApiConflict = (what: string) => ApiConflictResponse({ type: AdminErrorDto, description: `conflict: ${what}` });
