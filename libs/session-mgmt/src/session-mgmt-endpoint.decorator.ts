import { applyDecorators, Header } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBasicAuth, ApiForbiddenResponse, ApiHeader, ApiInternalServerErrorResponse, ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ClientAuthGuard, CustomAuth } from '@app/auth';
import { JsonContentTypeGuard, PingFederateErrors } from '@app/common';
import { PingFederateErrorDto } from './dto/ping-federate-error.dto';
import { RequireSessionApiPermission, SessionApiPermission, SessionApiPermissionGuard } from './guards/session-api-permission.guard';
import { XsrfHeaderGuard } from './guards/xsrf-header.guard';

/**
 * One endpoint of the PingFederate session APIs, checked in the order the seed lists its
 * return codes: X-XSRF-HEADER (400), Content-Type of a JSON POST (415), client authentication
 * with the client's configured method (401, saying why), the client's permission (403). Every
 * error is `{"resultId","message"}`, and the Swagger document shows each of them.
 */
export function SessionMgmtEndpoint(permission: SessionApiPermission, options: { jsonBody?: boolean } = {}) {
  const after = [...(options.jsonBody ? [JsonContentTypeGuard] : []), ClientAuthGuard, SessionApiPermissionGuard];
  const name = permission === 'session_revocation_api' ? 'Session Revocation API' : 'Session Management API';
  return applyDecorators(
    PingFederateErrors(),
    CustomAuth(XsrfHeaderGuard, ...after),
    RequireSessionApiPermission(permission),
    Header('Cache-Control', 'no-store'),
    ApiBasicAuth('basic'),
    ApiHeader({ name: 'X-XSRF-HEADER', required: true, description: 'Any non-empty value (cross-site request forgery protection)', schema: { type: 'string', example: 'PingFederate' } }),
    ApiBadRequestResponse({ type: PingFederateErrorDto, description: 'The X-XSRF-HEADER header is missing, or a parameter is malformed.' }),
    ApiUnauthorizedResponse({ type: PingFederateErrorDto, description: 'No client credentials, or refused ones: an unknown client, a wrong secret and a method not registered for the client get the same answer.' }),
    ApiForbiddenResponse({ type: PingFederateErrorDto, description: `The client lacks "Allow Access to ${name}" (${permission}), or the feature flag is off.` }),
    ...(options.jsonBody ? [ApiUnsupportedMediaTypeResponse({ type: PingFederateErrorDto, description: 'The Content-Type is not application/json.' })] : []),
    ApiInternalServerErrorResponse({ type: PingFederateErrorDto, description: 'An unknown error has occurred (nothing more is said).' }),
  );
}
