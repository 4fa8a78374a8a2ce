import { Body, Controller, Header, HttpCode, Logger, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBasicAuth, ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiForbiddenResponse, ApiNoContentResponse,
  ApiNotFoundResponse, ApiOperation, ApiResponse, ApiSecurity, ApiServiceUnavailableResponse, ApiTags, ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiError, GlobalRevocationConfig, InjectConfig, isStoreUnavailable, JsonContentTypeGuard, notFound, storeUnavailable } from '@app/common';
import { Audited } from '@app/audit';
import { CurrentAuth, CustomAuth, RequestAuth } from '@app/auth';
import { RequireFeature } from '@app/feature-flag';
import { GlobalRevocationAuthGuard } from './auth/global-revocation-auth.guard';
import { GlobalRevocationErrorDto, GlobalTokenRevocationRequestDto, SUB_ID_DTOS } from './dto/global-token-revocation.dto';
import { GlobalRevocationService, RevocationIncompleteError } from './global-revocation.service';
import { GLOBAL_TOKEN_REVOCATION_PATH } from './revocation.constants';
import { SubjectIdentifier } from '@app/users';
import { SubIdPipe } from './subject/sub-id.pipe';

/** The audit log reads `auditNote` from the request (the `note` extra field). */
type AuditedRequest = FastifyRequest & { auditNote?: string };

/**
 * Global Token Revocation: Janssen's endpoint and draft-parecki-oauth-global-token-revocation.
 * The checks run in the draft's order: feature flag (global guard), media type (415), caller
 * authentication (401) and scope (403), body (400), then the revocation (204, or 422).
 */
@ApiTags('Global Token Revocation')
@ApiExtraModels(...SUB_ID_DTOS)
@Controller()
export class GlobalTokenRevocationController {
  private readonly logger = new Logger('GlobalTokenRevocation');

  constructor(@InjectConfig('globalRevocation') private readonly globalRevocation: GlobalRevocationConfig, private readonly revocation: GlobalRevocationService) {}

  @Post(GLOBAL_TOKEN_REVOCATION_PATH)
  @Audited()
  @HttpCode(204)
  @RequireFeature('GLOBAL_TOKEN_REVOCATION')
  @CustomAuth(JsonContentTypeGuard, GlobalRevocationAuthGuard)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Revoke every token and session of one user',
    description:
      'Ends all sessions of the user (their SRIs join the session revocation list) and revokes every access token, refresh token and ' +
      'authorization code issued to them so far. When several users match, the first (oldest) is affected. Repeating the request is harmless. ' +
      'The caller needs the scope global_token_revocation: through an access token, its client registration (client_secret_basic), or as ' +
      'a client registered with a JWKS that signs a global-token-revocation+jwt assertion.',
  })
  @ApiBearerAuth('bearer')
  @ApiBasicAuth('basic')
  @ApiSecurity('global-token-revocation-jwt')
  @ApiConsumes('application/json')
  @ApiBody({ type: GlobalTokenRevocationRequestDto })
  @ApiNoContentResponse({ description: 'Revoked (also on a repeat, and for an unknown user unless GLOBAL_TOKEN_REVOCATION_UNKNOWN_USER_STATUS=404).' })
  @ApiBadRequestResponse({ type: GlobalRevocationErrorDto, description: 'invalid_request: malformed JSON, neither or both of sub_id and subject, unknown format, wrong member types' })
  @ApiUnauthorizedResponse({ type: GlobalRevocationErrorDto, description: 'invalid_token / invalid_client: missing or bad credentials, expired, revoked or replayed (with WWW-Authenticate)' })
  @ApiForbiddenResponse({ type: GlobalRevocationErrorDto, description: 'insufficient_scope: the caller lacks global_token_revocation; access_denied: the GLOBAL_TOKEN_REVOCATION feature flag is off' })
  @ApiNotFoundResponse({ type: GlobalRevocationErrorDto, description: 'not_found: no user matches (only when GLOBAL_TOKEN_REVOCATION_UNKNOWN_USER_STATUS=404)' })
  @ApiResponse({ status: 415, type: GlobalRevocationErrorDto, description: 'unsupported_media_type: the body is not application/json' })
  @ApiUnprocessableEntityResponse({ type: GlobalRevocationErrorDto, description: 'revocation_failed: the revocation could not be completed; nothing was changed' })
  @ApiServiceUnavailableResponse({ type: GlobalRevocationErrorDto, description: 'The store is unavailable' })
  async revoke(@Body(SubIdPipe) subject: SubjectIdentifier, @CurrentAuth() auth: RequestAuth, @Req() req: AuditedRequest): Promise<void> {
    let result;
    try {
      result = await this.revocation.revoke(subject, auth.clientId);
    } catch (err) {
      if (!(err instanceof RevocationIncompleteError)) throw err;
      this.logger.error(err.message);
      // Nothing was changed either way; a store that is away is worth a retry later (503, Retry-After).
      if (isStoreUnavailable(err.cause)) throw storeUnavailable();
      throw new ApiError(422, 'revocation_failed', 'The revocation could not be completed; nothing was changed. Retry the request.');
    }
    req.auditNote = `matches=${result.matches}`;
    if (result.userId === null && this.globalRevocation.unknownUserStatus === 404) throw notFound('No user matches the sub_id.');
  }
}
