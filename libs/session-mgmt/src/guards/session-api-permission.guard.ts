import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeMetadata } from '@app/common';
import type { AuthenticatedRequest } from '@app/auth';
import type { ClientEntity } from '@app/store';
import { SessionMgmtErrors } from '../session-mgmt.errors';

/** The two client switches, as the import file and admin API name them. */
export type SessionApiPermission = 'session_revocation_api' | 'session_management_api';

const PERMISSIONS: Record<SessionApiPermission, { field: keyof ClientEntity; name: string }> = {
  session_revocation_api: { field: 'sessionRevocationApi', name: 'Session Revocation API' },
  session_management_api: { field: 'sessionManagementApi', name: 'Session Management API' },
};

export const SESSION_API_PERMISSION = 'session-mgmt:permission';

export const RequireSessionApiPermission = (permission: SessionApiPermission) => SetMetadata(SESSION_API_PERMISSION, permission);

/**
 * "Allow Access to Session Revocation API" / "Allow Access to Session Management API": runs
 * after client authentication and answers 403 for a client without the switch. A route that
 * forgot to name its permission is refused too.
 */
@Injectable()
export class SessionApiPermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const permission = routeMetadata<SessionApiPermission>(this.reflector, SESSION_API_PERMISSION, ctx);
    const client = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth?.client;
    const rule = permission ? PERMISSIONS[permission] : undefined;
    if (!rule) throw SessionMgmtErrors.permissionDenied('session APIs');
    if (!client || client[rule.field] !== true) throw SessionMgmtErrors.permissionDenied(rule.name);
    return true;
  }
}
