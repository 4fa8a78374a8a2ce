import { Global, Module } from '@nestjs/common';
import { SessionActivityService } from './tracking/session-activity.service';
import { SriCodec } from './tracking/sri-codec.service';

const EXPORTED = [SessionActivityService, SriCodec];

/**
 * Keeping track of live sessions: the sealed SRI a session is known by (SriCodec) and its idle
 * extension on activity (SessionActivityService). Global; AuthModule imports it (the revocation
 * index opens sealed SRIs, token status extends sessions), so every host of AuthModule has it.
 */
@Global()
@Module({ providers: EXPORTED, exports: EXPORTED })
export class SessionTrackingModule {}
