import { applyDecorators, CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { BearerTokenAuthentication, CustomAuth } from '@app/auth';
import { insufficientScope, JsonContentTypeGuard } from '@app/common';
import { SSF_MANAGE_SCOPE, SSF_POLL_SCOPE, SSF_READ_SCOPE } from '../ssf.constants';

/**
 * A bearer access token of this server (RFC 6750 §2.1: in the Authorization header only; the
 * CAEP interoperability profile §2.7.3), active, carrying one of `accepted`: 401 without one,
 * 403 insufficient_scope without the scope. The token's client is the receiver.
 */
@Injectable()
abstract class SsfScopeGuard implements CanActivate {
  protected abstract readonly accepted: readonly string[];

  constructor(private readonly bearer: BearerTokenAuthentication) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const auth = await this.bearer.authenticate(ctx.switchToHttp().getRequest(), []);
    if (!auth.scopes.some((s) => this.accepted.includes(s))) throw insufficientScope(this.accepted[0]);
    return true;
  }
}

@Injectable()
export class SsfManageGuard extends SsfScopeGuard {
  protected readonly accepted = [SSF_MANAGE_SCOPE];
}

/** Reads take `ssf.read`, or `ssf.manage`, which includes them. */
@Injectable()
export class SsfReadGuard extends SsfScopeGuard {
  protected readonly accepted = [SSF_READ_SCOPE, SSF_MANAGE_SCOPE];
}

@Injectable()
export class SsfPollGuard extends SsfScopeGuard {
  protected readonly accepted = [SSF_MANAGE_SCOPE, SSF_POLL_SCOPE];
}

const documented = (scopes: string) => [
  ApiBearerAuth('bearer'),
  ApiUnauthorizedResponse({ description: 'invalid_token: no bearer access token, or one that is invalid, expired or revoked' }),
  ApiForbiddenResponse({ description: `insufficient_scope: the token has none of ${scopes}` }),
];

/** Changes: `ssf.manage`; a body must be JSON (415 before authentication otherwise). */
export const SsfManage = (json = true) => applyDecorators(json ? CustomAuth(JsonContentTypeGuard, SsfManageGuard) : CustomAuth(SsfManageGuard), ...documented(SSF_MANAGE_SCOPE));
export const SsfRead = () => applyDecorators(CustomAuth(SsfReadGuard), ...documented(`${SSF_READ_SCOPE} or ${SSF_MANAGE_SCOPE}`));
export const SsfPoll = () => applyDecorators(CustomAuth(JsonContentTypeGuard, SsfPollGuard), ...documented(`${SSF_MANAGE_SCOPE} or ${SSF_POLL_SCOPE}`));
