import { SetMetadata } from '@nestjs/common';

export const ALLOW_ANONYMOUS = Symbol('resource-server:allow-anonymous');

/** The explicit opt-out from the module's global guard (protectAllRoutes), e.g. for a health check. */
export const AllowAnonymous = () => SetMetadata(ALLOW_ANONYMOUS, true);
